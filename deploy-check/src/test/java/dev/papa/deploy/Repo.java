package dev.papa.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The repository the tests check: found from the working directory (deploy-check/ under Maven). */
final class Repo {

    /** The services the deployment runs, each a folder services/NAME with its own configuration. */
    static final List<String> SERVICES = List.of("sampler", "feedback", "trainer");

    private static final Path ROOT = findRoot();

    private Repo() {
    }

    static Path root() {
        return ROOT;
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT.relativize(file), e);
        }
    }

    static String read(String relative) {
        Path file = path(relative);
        if (!Files.isRegularFile(file)) {
            fail(relative + " is missing (looked in " + ROOT + ")");
        }
        return read(file);
    }

    /** The Kafka version the project builds against (root pom's kafka.version). */
    static String kafkaVersion() {
        Matcher m = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>").matcher(read("pom.xml"));
        if (!m.find()) {
            fail("pom.xml has no <kafka.version> property");
        }
        return m.group(1).trim();
    }

    /** application.properties of one service; fails with a clear message when the service is not there. */
    static Path serviceProperties(String service) {
        Path folder = path("services/" + service);
        if (!Files.isDirectory(folder)) {
            fail("services/" + service + " is missing: the deployment (docker-compose.yml, k8s/, deploy/) is checked "
                    + "against each service's own configuration, so deploy-check needs the service merged first");
        }
        Path file = folder.resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(file)) {
            fail("services/" + service + "/src/main/resources/application.properties is missing: the deployment "
                    + "is checked against it (port, property names, topics)");
        }
        return file;
    }

    /** Every *.yaml / *.yml file under a folder, relative to it with '/' separators, sorted. */
    static List<String> yamlFiles(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
                    .map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("services/CONTRACT.md")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (a folder with services/CONTRACT.md) above " + dir);
    }
}
