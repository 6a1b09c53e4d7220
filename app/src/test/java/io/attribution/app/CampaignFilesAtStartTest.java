package io.attribution.app;

import io.attribution.avro.Campaign;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CampaignFilesAtStartTest {

    @Test
    void theDemoCampaignComesFromTheBundledCampaignFile() {
        Campaign demo = DemoData.campaign();

        assertThat(demo.getGoals()).extracting(goal -> goal.getGoalId() + ":" + goal.getPayoutType())
                .containsExactly("install:FIXED", "purchase:PERCENT");
        assertThat(demo.getDefaultGoalId()).isEqualTo("install");
    }

    @Test
    void campaignFilesGivenAtStartAreReadInOrder(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("a.json"), "{\"campaign_id\": \"a\", \"advertiser_id\": \"x\"}");
        Path yaml = Files.writeString(dir.resolve("b.yaml"), "- {campaign_id: b, advertiser_id: x}\n"
                + "- {campaign_id: c, advertiser_id: y}\n");

        List<Campaign> campaigns = CampaignsCommand.readFiles(List.of(json, yaml));

        assertThat(campaigns).extracting(Campaign::getCampaignId).containsExactly("a", "b", "c");
    }

    @Test
    void aBadFileStopsTheStartNamingFileCampaignAndField(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "- {campaign_id: ok, advertiser_id: x}\n"
                + "- {campaign_id: b, advertiser_id: x, currency: EURO}\n");

        assertThatThrownBy(() -> CampaignsCommand.readFiles(List.of(bad)))
                .hasMessageContaining("bad.yaml").hasMessageContaining("campaigns[1].currency");
    }

    @Test
    void theAdminTokenIsMaskedInTheStartupLog() {
        PipelineSettings settings = PipelineSettings.defaultsOnly().with(PipelineSettings.ADMIN_TOKEN, "very-secret-token");

        assertThat(settings.asMap()).containsEntry(PipelineSettings.ADMIN_TOKEN, "***");
        assertThat(settings.asMap().toString()).doesNotContain("very-secret-token");
    }
}
