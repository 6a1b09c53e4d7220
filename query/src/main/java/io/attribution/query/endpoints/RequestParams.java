package io.attribution.query.endpoints;

import io.attribution.query.protocol.BadParameter;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads the query API's path segments and parameters; anything unreadable is a 400 naming it. */
final class RequestParams {

    private RequestParams() {
    }

    /**
     * The path segments after the servlet's own path ({@code /clicks/abc/conversions} under
     * {@code /clicks/*} gives {@code abc, conversions}), decoded.
     */
    static List<String> segments(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            return List.of();
        }
        return Arrays.asList(path.substring(1).split("/", -1));
    }

    /** The one id a path must end with, e.g. the click id of {@code /clicks/{click_id}}. */
    static String id(List<String> segments, int index, String field) throws BadParameter {
        if (segments.size() <= index || segments.get(index).isBlank()) {
            throw new BadParameter(field, field + " is missing from the path");
        }
        return segments.get(index);
    }

    static Optional<String> text(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    static boolean flag(HttpServletRequest request, String name, boolean absent) throws BadParameter {
        Optional<String> value = text(request, name);
        if (value.isEmpty()) {
            return absent;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new BadParameter(name, name + " must be true or false, was '" + value.get() + "'");
        };
    }

    static int integer(HttpServletRequest request, String name, int absent, int min, int max) throws BadParameter {
        Optional<String> value = text(request, name);
        if (value.isEmpty()) {
            return absent;
        }
        try {
            int number = Integer.parseInt(value.get());
            if (number < min || number > max) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new BadParameter(name, name + " must be a whole number from " + min + " to " + max
                    + ", was '" + value.get() + "'");
        }
    }

    /** An ISO-8601 instant ({@code 2026-11-25T10:00:00Z}) or a date, read as its start in UTC. */
    static Optional<Instant> instant(HttpServletRequest request, String name) throws BadParameter {
        Optional<String> value = text(request, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(value.get().length() == 10
                    ? LocalDate.parse(value.get()).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value.get()));
        } catch (DateTimeParseException e) {
            throw new BadParameter(name, name + " must be an ISO-8601 instant such as 2026-11-25T10:00:00Z"
                    + " or a date such as 2026-11-25, was '" + value.get() + "'");
        }
    }

    static <E extends Enum<E>> Optional<E> choice(HttpServletRequest request, String name, Class<E> type)
            throws BadParameter {
        Optional<String> value = text(request, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Enum.valueOf(type, value.get().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new BadParameter(name, name + " must be one of " + Arrays.toString(type.getEnumConstants())
                    + ", was '" + value.get() + "'");
        }
    }
}
