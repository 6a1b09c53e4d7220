package io.attribution.query.access;

import java.util.Objects;

/**
 * What a query API token may read: everything ({@code all}), the campaigns of one advertiser
 * ({@code advertiser:<id>}), or one affiliate's own rows ({@code affiliate:<id>}).
 */
public record AccessScope(Kind kind, String id) {

    public enum Kind { ALL, ADVERTISER, AFFILIATE }

    private static final AccessScope ALL = new AccessScope(Kind.ALL, "");

    public AccessScope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (kind != Kind.ALL && id.isBlank()) {
            throw new IllegalArgumentException("a " + kind.name().toLowerCase() + " scope needs an id");
        }
    }

    public static AccessScope all() {
        return ALL;
    }

    public static AccessScope advertiser(String advertiserId) {
        return new AccessScope(Kind.ADVERTISER, advertiserId);
    }

    public static AccessScope affiliate(String affiliateId) {
        return new AccessScope(Kind.AFFILIATE, affiliateId);
    }

    /** {@code all}, {@code advertiser:<id>} or {@code affiliate:<id>}, as the tokens file writes it. */
    public static AccessScope parse(String text) {
        if (text.equals("all")) {
            return ALL;
        }
        int colon = text.indexOf(':');
        if (colon > 0) {
            String id = text.substring(colon + 1);
            switch (text.substring(0, colon)) {
                case "advertiser":
                    if (!id.isBlank()) {
                        return advertiser(id);
                    }
                    break;
                case "affiliate":
                    if (!id.isBlank()) {
                        return affiliate(id);
                    }
                    break;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("scope '" + text + "' is not one of all, advertiser:<id>, affiliate:<id>");
    }

    public boolean isAll() {
        return kind == Kind.ALL;
    }

    @Override
    public String toString() {
        return isAll() ? "all" : kind.name().toLowerCase() + ":" + id;
    }
}
