package io.attribution.connect.postbacks;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One affiliate's postback: the URL template and how it is sent. A GET fires the filled URL. A POST sends the
 * template's query parameters, filled, as an {@code application/x-www-form-urlencoded} body to the URL without its
 * query.
 */
final class PostbackTemplate {

    enum Method { GET, POST }

    /** The request for one conversion; {@code formBody} is null for a GET. */
    record Request(Method method, URI uri, String formBody) {
    }

    private static final Conversion SAMPLE = new Conversion("conversion-1", "click-1", "campaign-1", "affiliate-1",
            "goal-1", "purchase", "txn-1", "APPROVED", null, BigDecimal.ONE, "USD", Map.of("sub1", "s"));

    private final String source;
    private final Method method;
    private final UrlTemplate target;
    private final List<String> formNames;
    private final List<UrlTemplate> formValues;

    private PostbackTemplate(String source, Method method, UrlTemplate target, List<String> formNames,
                             List<UrlTemplate> formValues) {
        this.source = source;
        this.method = method;
        this.target = target;
        this.formNames = formNames;
        this.formValues = formValues;
    }

    /** @throws IllegalArgumentException saying what is wrong with the template */
    static PostbackTemplate parse(String url, Method method) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the URL template is empty");
        }
        String template = url.trim();
        PostbackTemplate parsed;
        if (method == Method.GET) {
            parsed = new PostbackTemplate(template, method, UrlTemplate.parse(template), List.of(), List.of());
        } else {
            int query = template.indexOf('?');
            String base = query < 0 ? template : template.substring(0, query);
            List<String> names = new ArrayList<>();
            List<UrlTemplate> values = new ArrayList<>();
            if (query >= 0) {
                for (String pair : template.substring(query + 1).split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String name = eq < 0 ? pair : pair.substring(0, eq);
                    if (name.isEmpty()) {
                        throw new IllegalArgumentException("a parameter without a name: '" + pair + "'");
                    }
                    names.add(name);
                    values.add(UrlTemplate.parse(eq < 0 ? "" : pair.substring(eq + 1)));
                }
            }
            parsed = new PostbackTemplate(template, method, UrlTemplate.parse(base), List.copyOf(names),
                    List.copyOf(values));
        }
        parsed.checkUrl();
        return parsed;
    }

    private void checkUrl() {
        String filled = target.fill(SAMPLE);
        URI uri;
        try {
            uri = new URI(filled);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL once filled (" + e.getMessage() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http:// or https:// URL with a host");
        }
    }

    Request render(Conversion conversion) {
        URI uri = URI.create(target.fill(conversion));
        if (method == Method.GET) {
            return new Request(method, uri, null);
        }
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < formNames.size(); i++) {
            if (i > 0) {
                body.append('&');
            }
            body.append(formNames.get(i)).append('=').append(formValues.get(i).fill(conversion));
        }
        return new Request(method, uri, body.toString());
    }

    Method method() {
        return method;
    }

    @Override
    public String toString() {
        return method + " " + source;
    }
}
