package io.attribution.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.attribution.admin.CampaignAdmin;
import io.attribution.admin.CampaignFiles;
import io.attribution.admin.CampaignJson;
import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.schemas.RegistrySerdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** {@code campaigns list | put FILE... | pause ID | resume ID}: the admin API's jobs, straight on Kafka. */
@Command(name = "campaigns", description = "List, create, update, pause and resume campaigns "
        + "(needs KAFKA_BOOTSTRAP_SERVERS and REGISTRY_URL).")
final class CampaignsCommand {

    private static final Duration CATALOG_TIMEOUT = Duration.ofSeconds(30);

    @ParentCommand
    Main parent;

    @Command(name = "list", description = "Print every campaign as JSON, secrets hidden.")
    int list() throws Exception {
        try (CampaignAdmin admin = admin()) {
            for (Campaign campaign : admin.list()) {
                System.out.println(CampaignJson.write(campaign).toPrettyString());
            }
        }
        return 0;
    }

    @Command(name = "put", description = "Create or replace the campaigns of JSON or YAML files.")
    int put(@Parameters(arity = "1..*", paramLabel = "FILE") List<Path> files) throws Exception {
        List<Campaign> campaigns = readFiles(files);
        try (CampaignAdmin admin = admin()) {
            for (Campaign campaign : campaigns) {
                admin.put(campaign);
                System.out.println("Stored campaign " + campaign.getCampaignId());
            }
        }
        return 0;
    }

    @Command(name = "pause", description = "Pause a campaign: its postbacks are rejected CAMPAIGN_PAUSED.")
    int pause(@Parameters(paramLabel = "CAMPAIGN_ID") String campaignId) throws Exception {
        return setStatus(campaignId, ActivityStatus.PAUSED);
    }

    @Command(name = "resume", description = "Resume a paused campaign.")
    int resume(@Parameters(paramLabel = "CAMPAIGN_ID") String campaignId) throws Exception {
        return setStatus(campaignId, ActivityStatus.ACTIVE);
    }

    private int setStatus(String campaignId, ActivityStatus status) throws Exception {
        try (CampaignAdmin admin = admin()) {
            admin.setStatus(campaignId, status);
            System.out.println("Campaign " + campaignId + " is " + status);
        } catch (NoSuchElementException e) {
            throw new IllegalArgumentException(e.getMessage() + " (`campaigns list` shows those there are)", e);
        }
        return 0;
    }

    /** Every campaign of the files, validated; fails naming the file, campaign and field. */
    static List<Campaign> readFiles(List<Path> files) throws IOException {
        List<Campaign> campaigns = new ArrayList<>();
        for (Path file : files) {
            try (InputStream content = Files.newInputStream(file)) {
                campaigns.addAll(CampaignFiles.read(file.getFileName().toString(), content));
            } catch (io.attribution.admin.InvalidCampaignException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            } catch (JsonProcessingException e) {
                // The parser's own message, without the snippet of the file it appends on more lines.
                throw new IllegalArgumentException(file + ": not valid JSON or YAML: "
                        + e.getOriginalMessage().lines().findFirst().orElse("") + location(e), e);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(file + ": no such file", e);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot be read: " + e, e);
            }
        }
        return campaigns;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    private CampaignAdmin admin() throws Exception {
        PipelineSettings settings = parent.settings();
        PipelineSettings.KafkaAndRegistry kafka = settings.kafkaAndRegistry();
        // A new cluster has no campaigns topic yet: a write would wait a minute for it, then fail.
        try {
            // A refused login or TLS handshake comes out as its own line, naming the settings to check.
            KafkaAccessFailure.explained(() -> TopicProvisioner.ensureTopics(kafka.kafka(), settings));
        } catch (TimeoutException | ExecutionException e) {
            // The admin call's own timeout (30 s) and the wait on it race: either way Kafka did not answer.
            boolean unanswered = e instanceof TimeoutException
                    || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
            throw new IllegalArgumentException("could not create or find the topics at " + kafka.bootstrapServers()
                    + (unanswered ? ": Kafka did not answer in time" : ": " + e.getCause())
                    + "; check " + PipelineSettings.environmentName(PipelineSettings.KAFKA_BOOTSTRAP_SERVERS), e);
        }
        CampaignAdmin admin = new CampaignAdmin(kafka.kafka(), new RegistrySerdes(kafka.registry()));
        if (!admin.awaitCatalog(CATALOG_TIMEOUT)) {
            admin.close();
            throw new IllegalArgumentException("could not read the campaigns topic at " + kafka.bootstrapServers()
                    + " within " + CATALOG_TIMEOUT.toSeconds() + " s: check "
                    + PipelineSettings.environmentName(PipelineSettings.KAFKA_BOOTSTRAP_SERVERS) + " and "
                    + PipelineSettings.environmentName(PipelineSettings.REGISTRY_URL));
        }
        return admin;
    }
}
