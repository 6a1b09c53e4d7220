package io.attribution.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/** A benchmark's {@code name=value} arguments over {@code -Dbench.name=value} over its defaults. */
final class BenchArguments {

    private final Map<String, String> values = new LinkedHashMap<>();

    private BenchArguments() {
    }

    static BenchArguments read(Map<String, String> defaults, String... args) {
        BenchArguments arguments = new BenchArguments();
        defaults.forEach((name, fallback) -> arguments.values.put(name, System.getProperty("bench." + name, fallback)));
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2 || !defaults.containsKey(pair[0])) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: name=value with name one of "
                        + defaults.keySet());
            }
            arguments.values.put(pair[0], pair[1]);
        }
        return arguments;
    }

    /** A whole number; underscores may group digits ({@code 1_000_000}). */
    int number(String name) {
        try {
            return Integer.parseInt(values.get(name).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was " + values.get(name));
        }
    }

    /** A whole number that has no default (an empty one): empty unless given. */
    OptionalLong optionalNumber(String name) {
        String value = values.get(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.replace("_", "")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was " + value);
        }
    }

    /** The value as given, or its default. */
    String text(String name) {
        return values.get(name);
    }
}
