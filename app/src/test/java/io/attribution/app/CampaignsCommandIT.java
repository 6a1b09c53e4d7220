package io.attribution.app;

import io.attribution.embedded.testkit.KafkaKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code campaigns} commands as a user meets them, on a real broker and registry: on a cluster
 * where nothing created the topics yet, each command does its job in seconds, says what it did on
 * standard output and no more than information on standard error; a missing setting or a bad file is one line.
 */
class CampaignsCommandIT {

    /** Far below the minute a write to a missing topic used to wait before failing. */
    private static final Duration PROMPT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @TempDir
    Path dir;

    /** What one run of the CLI printed and returned. */
    private record Run(int exitCode, String out, String err, Duration took) {
    }

    @Test
    void putListPauseAndResumeWorkOnAClusterWithoutTopics() throws Exception {
        Path config = config(kit.bootstrapServers(), kit.registryUrl());
        Path campaigns = Files.writeString(dir.resolve("shoes.yaml"), """
                campaign_id: shoes
                advertiser_id: adv-9
                currency: EUR
                default_goal_id: sale
                goals:
                  - goal_id: sale
                    value: purchase
                    payout: "1.5"
                    revenue: "2"
                """);

        Run put = cli("--config", config.toString(), "campaigns", "put", campaigns.toString());
        Run pause = cli("--config", config.toString(), "campaigns", "pause", "shoes");
        Run listPaused = cli("--config", config.toString(), "campaigns", "list");
        Run resume = cli("--config", config.toString(), "campaigns", "resume", "shoes");
        Run listActive = cli("--config", config.toString(), "campaigns", "list");

        assertClean(put, "Stored campaign shoes");
        assertClean(pause, "Campaign shoes is PAUSED");
        assertClean(listPaused, "\"campaign_id\" : \"shoes\"");
        assertThat(listPaused.out()).contains("\"status\" : \"PAUSED\"").contains("\"payout\" : \"1.5\"");
        assertClean(resume, "Campaign shoes is ACTIVE");
        assertThat(listActive.out()).contains("\"status\" : \"ACTIVE\"");
    }

    @Test
    void withoutKafkaAndRegistryItSaysWhatToSetInOneLine() throws Exception {
        Run run = cli("--config", Files.writeString(dir.resolve("empty.properties"), "").toString(), "campaigns", "list");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n")
                .contains("KAFKA_BOOTSTRAP_SERVERS").contains("REGISTRY_URL");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anInvalidFileIsOneLineNamingTheFileAndTheFieldAndWritesNothing() throws Exception {
        Path config = config(kit.bootstrapServers(), kit.registryUrl());
        Path invalid = Files.writeString(dir.resolve("bad.json"),
                "{\"campaign_id\": \"bad\", \"advertiser_id\": \"a\", \"goals\": [{\"goal_id\": \"g\", \"value\": \"sale\", \"payout\": \"-1\"}]}");

        Run put = cli("--config", config.toString(), "campaigns", "put", invalid.toString());
        Run list = cli("--config", config.toString(), "campaigns", "list");

        assertThat(put.exitCode()).isEqualTo(2);
        assertThat(put.err().strip()).doesNotContain("\n").contains("bad.json").contains("goals[0].payout");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).doesNotContain("\"campaign_id\" : \"bad\"");
    }

    @Test
    void aMissingOrMalformedFileIsOneLineNamingTheFile() throws Exception {
        Path config = config(kit.bootstrapServers(), kit.registryUrl());
        Path malformed = Files.writeString(dir.resolve("broken.yaml"), "campaign_id: [unclosed\ngoals: {\n");

        Run missing = cli("--config", config.toString(), "campaigns", "put", dir.resolve("absent.yaml").toString());
        Run broken = cli("--config", config.toString(), "campaigns", "put", malformed.toString());

        assertOneLineError(missing, "absent.yaml: no such file");
        assertOneLineError(broken, "broken.yaml: not valid JSON or YAML");
        assertThat(broken.err()).contains("(line ");
    }

    @Test
    void pausingACampaignThatDoesNotExistIsOneLine() throws Exception {
        Path config = config(kit.bootstrapServers(), kit.registryUrl());

        Run pause = cli("--config", config.toString(), "campaigns", "pause", "no-such-campaign");

        assertOneLineError(pause, "no campaign no-such-campaign");
    }

    @Test
    void anUnreachableKafkaIsOneLineNamingTheSettingWithinHalfAMinute() throws Exception {
        Path config = config("127.0.0.1:" + closedPort(), kit.registryUrl());

        Run list = cli("--config", config.toString(), "campaigns", "list");

        assertThat(list.exitCode()).as(list.err()).isEqualTo(2);
        assertThat(list.err()).as("no stack trace").doesNotContain("\tat ");
        assertThat(list.err().strip().lines().reduce((first, second) -> second).orElseThrow())
                .contains("KAFKA_BOOTSTRAP_SERVERS").contains("did not answer");
        assertThat(list.took()).isLessThan(Duration.ofSeconds(45));
    }

    /** Exit code 2 and, after any log lines, one line saying what to fix; no stack trace, nothing on standard output. */
    private static void assertOneLineError(Run run, String expected) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).as("no stack trace").doesNotContain("\tat ").contains(expected);
        assertThat(run.err().lines().filter(line -> !line.contains(" INFO "))).as(run.err()).hasSize(1);
        assertThat(run.out()).isEmpty();
    }

    private static void assertClean(Run run, String expectedOutput) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains(expectedOutput);
        // Information only (the topics it created): no warning, error or stack trace.
        assertThat(run.err().lines()).as("standard error of a successful run").allMatch(line -> line.contains(" INFO "));
        assertThat(run.took()).isLessThan(PROMPT);
    }

    /** A loopback port nothing listens on: one the system just gave out and took back. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Path config(String bootstrapServers, String registryUrl) throws IOException {
        return Files.writeString(dir.resolve("cli.properties"), PipelineSettings.KAFKA_BOOTSTRAP_SERVERS + "="
                + bootstrapServers + "\n" + PipelineSettings.REGISTRY_URL + "=" + registryUrl + "\n");
    }

    /**
     * Runs the CLI in this JVM as {@code main} would, capturing both streams: the picocli writers
     * and the process's own, where log lines and uncaught exceptions of other threads go.
     */
    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // Threads alive before the command are not its own: an earlier class's client still
        // retrying a broker it stopped logs to the same stream (its lines are left out below).
        Set<String> foreign = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> !name.equals("main")).map(name -> "[" + name + "] ").collect(Collectors.toSet());
        PrintStream systemOut = System.out;
        PrintStream systemErr = System.err;
        long started = System.nanoTime();
        int exitCode;
        try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            exitCode = Main.commandLine()
                    .setOut(new PrintWriter(capturedOut, true))
                    .setErr(new PrintWriter(capturedErr, true))
                    .execute(args);
        } finally {
            System.setOut(systemOut);
            System.setErr(systemErr);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String own = err.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> foreign.stream().noneMatch(line::startsWith))
                .collect(Collectors.joining("\n"));
        Run run = new Run(exitCode, out.toString(StandardCharsets.UTF_8), own, took);
        systemOut.printf("campaigns CLI %s: exit %d in %d ms%n", String.join(" ", args), exitCode, took.toMillis());
        return run;
    }
}
