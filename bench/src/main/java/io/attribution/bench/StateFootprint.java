package io.attribution.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What an application's state takes after its instance closed (stores flushed): the bytes of its
 * local state directory (RocksDB files, checkpoints) and what it wrote to the broker.
 *
 * @param localBytes bytes of every file under the state directory
 * @param written    what the broker holds since the application's topics were created
 */
record StateFootprint(long localBytes, TopicFootprint written) {

    static StateFootprint of(Path stateDirectory, TopicFootprint written) throws IOException {
        try (Stream<Path> files = Files.walk(stateDirectory)) {
            long bytes = files.filter(Files::isRegularFile).mapToLong(StateFootprint::size).sum();
            return new StateFootprint(bytes, written);
        }
    }

    /** Log bytes of the changelog topics: what a restore reads and what compaction keeps (once compacted). */
    long changelogBytes() {
        return written.bytes().entrySet().stream().filter(entry -> entry.getKey().endsWith("-changelog"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    long topicBytes(String topic) {
        return written.bytes().getOrDefault(topic, 0L);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "local state %,d B, changelogs %,d B", localBytes, changelogBytes());
    }
}
