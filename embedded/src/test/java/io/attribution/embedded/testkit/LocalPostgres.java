package io.attribution.embedded.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A real PostgreSQL on 127.0.0.1 and a free port, set up as the {@code postgres} image sets itself
 * up on its first start: a database owned by a login role with a password, then the init scripts
 * run by that owner in that database. The integration tests that need one start it through here.
 */
public final class LocalPostgres implements AutoCloseable {

    private final EmbeddedPostgres server;
    private final String database;
    private final String user;
    private final String password;

    private LocalPostgres(EmbeddedPostgres server, String database, String user, String password) {
        this.server = server;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    /**
     * @param database    {@code POSTGRES_DB}
     * @param user        {@code POSTGRES_USER}: owns the database, logs in with the password
     * @param password    {@code POSTGRES_PASSWORD}
     * @param initScripts SQL files run in order by the owner ({@code /docker-entrypoint-initdb.d})
     */
    public static LocalPostgres start(String database, String user, String password, List<Path> initScripts)
            throws IOException, SQLException {
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        LocalPostgres postgres = new LocalPostgres(server, database, user, password);
        try (Connection admin = DriverManager.getConnection(postgres.serverUrl() + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            // Identifiers and the password are the test's own: quoted, never user input.
            statement.execute("CREATE ROLE \"" + user + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            statement.execute("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"");
        }
        for (Path script : initScripts) {
            postgres.execute(Files.readString(script));
        }
        return postgres;
    }

    public int port() {
        return server.getPort();
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE} */
    public String jdbcUrl() {
        return serverUrl() + database;
    }

    /** A connection as the database's owner. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** Runs SQL (one or more statements) as the database's owner. */
    public void execute(String sql) throws SQLException {
        try (Connection owner = connect(); Statement statement = owner.createStatement()) {
            statement.execute(sql);
        }
    }

    private String serverUrl() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/";
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
