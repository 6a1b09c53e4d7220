package io.attribution.admin;

import io.attribution.campaigns.SecurityToken;
import io.attribution.http.BearerToken;
import io.attribution.http.JsonAnswers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** The admin token check every admin call makes: {@code Authorization: Bearer <admin token>}, else 401. */
final class AdminAuthorization {

    private final String adminToken;

    AdminAuthorization(String adminToken) {
        this.adminToken = adminToken;
    }

    /** True when the request carries the admin token; else answers 401 and returns false. */
    boolean admits(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (SecurityToken.matches(BearerToken.of(request).orElse(null), adminToken)) {
            return true;
        }
        JsonAnswers.unauthorized(response, JsonAnswers.error("error", "UNAUTHORIZED", null,
                "a valid admin token is required"));
        return false;
    }
}
