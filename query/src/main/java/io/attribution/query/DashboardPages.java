package io.attribution.query;

import jakarta.servlet.http.HttpServlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard: plain HTML, CSS and JavaScript from the jar ({@value #FOLDER}/ on the classpath),
 * served at {@code /} beside the API it reads. Each file has its own exact path, so nothing but
 * these files can be asked for, and the page calls the API on its own origin only.
 *
 * <p>Every value the page shows comes from postbacks, which anyone can send; the page puts them in
 * the document as text only, and the Content-Security-Policy below refuses inline scripts, other
 * origins and framing, so a value that slipped through as markup still could not run.
 */
final class DashboardPages {

    static final String FOLDER = "dashboard";
    /** The page's own URL: the servlet spec's mapping of the context root only, not a catch-all. */
    static final String ROOT = "";

    /** path spec -> file in {@value #FOLDER}/ and its content type. */
    private static final Map<String, PageFile> FILES = files();

    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY",
            // Small files: revalidated each time, so a new release's page never runs an old script.
            "Cache-Control", "no-cache");

    private DashboardPages() {
    }

    private record PageFile(String name, String contentType) {
    }

    private static Map<String, PageFile> files() {
        Map<String, PageFile> files = new LinkedHashMap<>();
        files.put(ROOT, new PageFile("index.html", "text/html"));
        files.put("/dashboard/dashboard.css", new PageFile("dashboard.css", "text/css"));
        files.put("/dashboard/dashboard.js", new PageFile("dashboard.js", "text/javascript"));
        files.put("/dashboard/chart.js", new PageFile("chart.js", "text/javascript"));
        return files;
    }

    /** Every file by its path spec, read now: a file missing from the jar stops the start. */
    static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        FILES.forEach((pathSpec, file) -> servlets.put(pathSpec, new FixedBodyServlet(read(file.name()), file.contentType(), HEADERS)));
        return servlets;
    }

    private static byte[] read(String file) {
        String resource = FOLDER + "/" + file;
        try (InputStream in = DashboardPages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
