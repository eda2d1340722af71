package dev.papa.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print ratios measured side by side in one run.",
        subcommands = {BenchEngineCommand.class, BenchNumericsCommand.class, BenchPipelineCommand.class})
final class BenchCommand {
}
