package dev.papa.cli;

import dev.papa.cli.stack.LocalStack;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
        return LocalStack.startFresh(settings(serviceConfig));
    }

    LocalStack start(Map<String, String> serviceConfig) {
        return LocalStack.start(settings(serviceConfig));
    }

    private LocalStack.Settings settings(Map<String, String> serviceConfig) {
        Options.inRange("--kafka-port", kafkaPort, 1024, 65535);
        System.err.println("papa: starting Kafka and the sampler, feedback and trainer services (logs in "
                + workDir.resolve("logs") + ")...");
        return new LocalStack.Settings(Path.of("").toAbsolutePath(), workDir.toAbsolutePath(), kafkaPort, baseModel,
                serviceConfig, Duration.ofMinutes(3));
    }
}
