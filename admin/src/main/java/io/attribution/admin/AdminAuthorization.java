package io.attribution.admin;

import io.attribution.campaigns.SecurityToken;
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
        String authorization = request.getHeader("Authorization");
        String presented = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()) : null;
        if (SecurityToken.matches(presented, adminToken)) {
            return true;
        }
        response.setHeader("WWW-Authenticate", "Bearer");
        JsonAnswers.write(response, 401, JsonAnswers.error("error", "UNAUTHORIZED", null,
                "a valid admin token is required"));
        return false;
    }
}
