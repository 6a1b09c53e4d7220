package io.attribution.embedded.testkit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared broker and registry when the launcher session ends: after the last test class of the run,
 * whichever engine ran it. Registered through {@code META-INF/services}.
 */
public final class SharedKafkaSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        SharedKafka.stop();
    }
}
