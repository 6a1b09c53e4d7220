package io.attribution.connect.postbacks;

import org.apache.kafka.connect.runtime.isolation.PluginClassLoader;
import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin directory the build made, as a worker discovers it in its strictest mode: every plugin class in it has
 * a ServiceLoader manifest ({@code plugin.discovery=hybrid_fail} refuses the worker's start otherwise), and the
 * connector and the Avro converter load from the plugin directory, not from the classpath.
 */
class PluginDiscoveryIT {

    @Test
    void theConnectorAndItsConverterAreFoundInThePluginDirectoryWithTheirManifests() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try {
            Plugins plugins = new Plugins(Map.of(
                    "plugin.path", ConnectWorker.pluginPath().toString(),
                    "plugin.discovery", "hybrid_fail"));

            PluginDesc<?> connector = isolated(plugins.sinkConnectors(), AffiliatePostbackSinkConnector.class.getName());
            assertThat(connector.version()).isEqualTo(Version.get()).isNotEqualTo("unknown");
            assertThat(connector.location()).contains(ConnectWorker.pluginPath().resolve("affiliate-postbacks").toString());
            PluginDesc<?> converter = isolated(plugins.converters(), "io.apicurio.registry.utils.converter.AvroConverter");
            // In the connector's plugin directory, so the connector's config can name it.
            assertThat(converter.loader()).isSameAs(connector.loader());
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    private static PluginDesc<?> isolated(Collection<? extends PluginDesc<?>> plugins, String className) {
        return plugins.stream()
                .filter(plugin -> plugin.className().equals(className))
                .filter(plugin -> plugin.loader() instanceof PluginClassLoader)
                .findFirst()
                .orElseThrow(() -> new AssertionError(className + " not found in the plugin directory: " + plugins));
    }
}
