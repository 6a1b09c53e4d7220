package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Dockerfile of ours puts in its image, as far as running it without Docker needs: where
 * each {@code COPY} puts which build output, and the {@code ENTRYPOINT} and {@code CMD} (exec form).
 */
record ImageFile(List<Copy> copies, List<String> entrypoint, List<String> cmd) {

    private static final Pattern INSTRUCTION = Pattern.compile("^(WORKDIR|COPY|ENTRYPOINT|CMD)\\s+(.+)$",
            Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

    /** One {@code COPY source destination}: the source relative to the build context, the destination absolute. */
    record Copy(Path source, String destination) {
    }

    /** @param context the build context the COPY sources are relative to */
    static ImageFile read(Path dockerfile, Path context) {
        String text;
        try {
            text = Files.readString(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String workdir = "/";
        List<Copy> copies = new ArrayList<>();
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        Matcher instruction = INSTRUCTION.matcher(text);
        while (instruction.find()) {
            String argument = instruction.group(2).strip();
            switch (instruction.group(1).toUpperCase()) {
                case "WORKDIR" -> workdir = argument;
                case "COPY" -> {
                    String[] words = argument.split("\\s+");
                    if (words.length != 2 || words[0].startsWith("--")) {
                        throw new IllegalArgumentException(dockerfile + ": a COPY this test cannot follow: " + argument);
                    }
                    String destination = words[1].startsWith("/") ? words[1] : workdir.replaceAll("/$", "") + "/" + words[1];
                    copies.add(new Copy(context.resolve(words[0]).normalize(), destination));
                }
                case "ENTRYPOINT" -> entrypoint = execForm(dockerfile, argument);
                case "CMD" -> cmd = execForm(dockerfile, argument);
                default -> throw new IllegalStateException(instruction.group(1));
            }
        }
        return new ImageFile(List.copyOf(copies), entrypoint, cmd);
    }

    /**
     * The local files an image path stands for: the COPY sources whose destination it is (several
     * when COPYs merge directories into one), or the file inside a copied directory.
     */
    List<Path> local(String imagePath) {
        String path = imagePath.replaceAll("/$", "");
        List<Path> sources = new ArrayList<>();
        for (Copy copy : copies) {
            String destination = copy.destination().replaceAll("/$", "");
            if (path.equals(destination)) {
                sources.add(copy.source());
            } else if (path.startsWith(destination + "/") && copy.destination().endsWith("/")) {
                sources.add(copy.source().resolve(path.substring(destination.length() + 1)));
            }
        }
        return sources;
    }

    private static List<String> execForm(Path dockerfile, String argument) {
        try {
            JsonNode words = new ObjectMapper().readTree(argument);
            if (!words.isArray()) {
                throw new IllegalArgumentException(dockerfile + ": not the exec form: " + argument);
            }
            List<String> list = new ArrayList<>();
            words.forEach(word -> list.add(word.asText()));
            return List.copyOf(list);
        } catch (IOException e) {
            throw new IllegalArgumentException(dockerfile + ": not the exec form: " + argument, e);
        }
    }
}
