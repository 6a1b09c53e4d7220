package io.attribution.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.attribution.avro.Campaign;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Campaign definition files, JSON or YAML: one campaign, a list of them, or {@code campaigns:}
 * holding the list. Every campaign is validated as the admin API would.
 */
public final class CampaignFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CampaignFiles() {
    }

    /**
     * @param name the file name, whose ending (.yaml, .yml, else JSON) says how to read it
     * @throws InvalidCampaignException naming the campaign and field at fault
     */
    public static List<Campaign> read(String name, InputStream content) throws IOException {
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        JsonNode root = (yaml ? YAML : JSON).readTree(content);
        JsonNode list = root != null && root.has("campaigns") ? root.get("campaigns") : root;
        List<Campaign> campaigns = new ArrayList<>();
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                try {
                    campaigns.add(CampaignJson.read(list.get(i)));
                } catch (InvalidCampaignException e) {
                    throw new InvalidCampaignException("campaigns[" + i + "]." + e.field(), e.getMessage());
                }
            }
        } else {
            campaigns.add(CampaignJson.read(list));
        }
        return campaigns;
    }
}
