package io.attribution.app;

import io.attribution.admin.CampaignAdmin;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.schemas.AvroTrust;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The one runnable: {@code run} (everything, embedded by default), {@code ingest}, {@code topology},
 * {@code admin}, {@code campaigns}, {@code clicks}, {@code tail}.
 */
@Command(name = "postback-pipeline", mixinStandardHelpOptions = true, version = "0.1.0",
        description = "Postback attribution pipeline: HTTP postbacks -> Kafka -> attributed conversions.",
        subcommands = {Main.Run.class, Main.Ingest.class, Main.TopologyCommand.class, Main.AdminCommand.class,
                CampaignsCommand.class, ClicksCommand.class, Main.Tail.class})
public final class Main implements Callable<Integer> {

    /** The exit status when the topology stopped on an error: not a usage error (2), not a crash (1). */
    static final int TOPOLOGY_FAILED = 70;

    @Option(names = "--config", description = "Properties file; environment variables override it "
            + "(KAFKA_BOOTSTRAP_SERVERS sets kafka.bootstrap.servers).", scope = CommandLine.ScopeType.INHERIT)
    Path config;

    public static void main(String[] args) {
        AvroTrust.register();
        System.exit(commandLine().execute(args));
    }

    /** The CLI as {@link #main} runs it: every command, and one line for what the user must fix. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::oneLineError);
    }

    /**
     * A bad setting or file is the user's to fix, not a bug: one line saying what is wrong (the
     * messages name the setting, variable or file), exit code 2. Anything else keeps its stack trace.
     */
    private static int oneLineError(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof IllegalArgumentException) {
            command.getErr().println(command.getCommandName() + ": " + e.getMessage());
            return 2;
        }
        throw e;
    }

    /** Without a command: the same as {@code run}. */
    @Override
    public Integer call() throws Exception {
        return new Run(this).call();
    }

    PipelineSettings settings() throws Exception {
        return PipelineSettings.load(Optional.ofNullable(config), System.getenv());
    }

    /**
     * Runs until Ctrl-C, then closes everything, child processes included, and returns 0; or until
     * the pipeline's topology stops for good on an error, then closes everything and returns
     * {@link #TOPOLOGY_FAILED}, so that whatever supervises the process (compose's restart policy,
     * an orchestrator) starts it again.
     */
    static int runUntilStopped(Pipeline pipeline, List<AutoCloseable> extras, Runnable onStarted)
            throws InterruptedException {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        AutoCloseable stop = () -> {
            extras.forEach(Main::closeQuietly);
            pipeline.close();
        };
        Thread hook = new Thread(() -> {
            System.out.println("Stopping...");
            closeQuietly(stop);
            exit.complete(0);
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        pipeline.topologyFailed().thenAccept(state -> {
            System.err.println("The attribution topology stopped on an error (" + state + "); exiting");
            closeQuietly(stop);
            exit.complete(TOPOLOGY_FAILED);
        });
        onStarted.run();
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Command(name = "run", description = "Ingest and topology in one process. Without KAFKA_BOOTSTRAP_SERVERS "
            + "and REGISTRY_URL it starts an embedded Kafka broker and schema registry and seeds a demo campaign.")
    static final class Run implements Callable<Integer> {

        @CommandLine.ParentCommand
        Main parent;

        @Option(names = "--no-tail", description = "Do not print the conversions as they are emitted.")
        boolean noTail;

        @Option(names = "--campaigns", paramLabel = "FILE", description = "Campaign file(s), JSON or YAML, "
                + "validated before anything starts, then written to the campaigns topic.")
        List<Path> campaignFiles = new ArrayList<>();

        Run() {
        }

        Run(Main parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() throws Exception {
            long startedAt = System.nanoTime();
            // Fail on a bad campaign file before anything starts.
            List<Campaign> campaigns = new ArrayList<>(CampaignsCommand.readFiles(campaignFiles));
            Pipeline pipeline = Pipeline.start(parent.settings(), EnumSet.allOf(Pipeline.Part.class), true);
            if (pipeline.isEmbedded()) {
                campaigns.addAll(0, DemoData.campaigns());
                try (ClickWriter clicks = new ClickWriter(pipeline.kafkaClients(), pipeline.serdes())) {
                    for (Click click : DemoData.clicks()) {
                        clicks.write(click);
                    }
                }
            }
            try (CampaignAdmin admin = new CampaignAdmin(pipeline.kafkaClients(), pipeline.serdes())) {
                for (Campaign campaign : campaigns) {
                    admin.put(campaign);
                }
            }
            List<AutoCloseable> extras = new ArrayList<>();
            if (!noTail) {
                ConsoleTail tail = new ConsoleTail(pipeline.kafkaClients(), pipeline.serdes(),
                        List.of(Topics.CONVERSIONS_ATTRIBUTED, Topics.CONVERSIONS_REJECTED), false, System.out);
                Thread thread = new Thread(tail, "console-tail");
                thread.setDaemon(true);
                thread.start();
                extras.add(tail);
            }
            long startupMillis = (System.nanoTime() - startedAt) / 1_000_000;
            return runUntilStopped(pipeline, extras, () -> Banner.print(System.out, pipeline, startupMillis));
        }
    }

    @Command(name = "ingest", description = "Only the HTTP ingest edge (needs KAFKA_BOOTSTRAP_SERVERS and REGISTRY_URL).")
    static final class Ingest implements Callable<Integer> {

        @CommandLine.ParentCommand
        Main parent;

        @Override
        public Integer call() throws Exception {
            Pipeline pipeline = Pipeline.start(parent.settings(), EnumSet.of(Pipeline.Part.INGEST), false);
            return runUntilStopped(pipeline, List.of(),
                    () -> System.out.println("Ingest listening on " + pipeline.ingestUri().orElseThrow()));
        }
    }

    @Command(name = "topology", description = "Only the attribution topology (needs KAFKA_BOOTSTRAP_SERVERS and REGISTRY_URL).")
    static final class TopologyCommand implements Callable<Integer> {

        @CommandLine.ParentCommand
        Main parent;

        @Override
        public Integer call() throws Exception {
            Pipeline pipeline = Pipeline.start(parent.settings(), EnumSet.of(Pipeline.Part.TOPOLOGY), false);
            return runUntilStopped(pipeline, List.of(), () -> System.out.println("Attribution topology running"));
        }
    }

    @Command(name = "admin", description = "Only the campaign admin API (needs KAFKA_BOOTSTRAP_SERVERS, "
            + "REGISTRY_URL and ADMIN_TOKEN).")
    static final class AdminCommand implements Callable<Integer> {

        @CommandLine.ParentCommand
        Main parent;

        @Override
        public Integer call() throws Exception {
            PipelineSettings settings = parent.settings();
            settings.string(PipelineSettings.ADMIN_TOKEN); // fails naming ADMIN_TOKEN when it is not set
            Pipeline pipeline = Pipeline.start(settings, EnumSet.of(Pipeline.Part.ADMIN), false);
            return runUntilStopped(pipeline, List.of(),
                    () -> System.out.println("Campaign admin API listening on " + pipeline.adminUri().orElseThrow()));
        }
    }

    @Command(name = "tail", description = "Print a topic's records as JSON, from the beginning (needs "
            + "KAFKA_BOOTSTRAP_SERVERS and REGISTRY_URL).")
    static final class Tail implements Callable<Integer> {

        @CommandLine.ParentCommand
        Main parent;

        @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "clicks, postbacks.raw, campaigns, "
                + "conversions.attributed, conversions.rejected")
        List<String> topicNames;

        @Override
        public Integer call() throws Exception {
            PipelineSettings settings = parent.settings();
            List<Topic<?>> topics = new ArrayList<>();
            for (String name : topicNames) {
                topics.add(Topics.all().stream().filter(t -> t.name().equals(name)).findFirst()
                        .orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(this),
                                "unknown topic '" + name + "'; one of " + Topics.all())));
            }
            PipelineSettings.KafkaAndRegistry kafka = settings.kafkaAndRegistry();
            ConsoleTail tail = new ConsoleTail(kafka.kafka(), new RegistrySerdes(kafka.registry()), topics,
                    true, System.out);
            Runtime.getRuntime().addShutdownHook(new Thread(tail::close, "shutdown"));
            tail.run();
            return 0;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // stopping anyway
        }
    }
}
