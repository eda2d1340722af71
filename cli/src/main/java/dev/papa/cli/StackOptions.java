package dev.papa.cli;

import dev.papa.cli.stack.LocalStack;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Options shared by the commands that start the local stack. */
final class StackOptions {

    @Option(names = "--kafka-port", description = "Port of the local Kafka broker (default: ${DEFAULT-VALUE}).")
    int kafkaPort = 9092;

    @Option(names = "--base-model", description = "Base model the services serve (default: ${DEFAULT-VALUE}).")
    Path baseModel = ModelPaths.BASE_MODEL;

    @Option(names = "--work-dir", description = "Broker data and service logs (default: ${DEFAULT-VALUE}; demo and bench pipeline clear its broker data first).")
    Path workDir = Path.of("runs/stack");

    /**
     * Starts the stack on an empty broker and empty Kafka Streams state (the work dir's kafka/ and
     * feedback-streams/ are deleted first): a demo or benchmark must start from the base model for
     * every user, not from the adapters of an earlier run.
     */
    LocalStack startFresh(Map<String, String> serviceConfig) {
        for (String owned : new String[] {LocalStack.KAFKA_DATA, LocalStack.STREAMS_STATE}) {
            deleteTree(workDir.resolve(owned));
        }
        return start(serviceConfig);
    }

    LocalStack start(Map<String, String> serviceConfig) {
        Options.inRange("--kafka-port", kafkaPort, 1024, 65535);
        return LocalStack.start(new LocalStack.Settings(Path.of("").toAbsolutePath(), workDir.toAbsolutePath(), kafkaPort,
                baseModel, serviceConfig, Duration.ofMinutes(3)));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
