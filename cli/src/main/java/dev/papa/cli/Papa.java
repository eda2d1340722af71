package dev.papa.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code papa} command line: train the shipped models, sample, run the paper's experiment, bench. */
@Command(name = "papa", mixinStandardHelpOptions = true, version = "papa 0.1.0",
        description = "Online personalized preference alignment of a diffusion model (PAPA / EPAPA).",
        subcommands = {TrainBaseCommand.class, TrainOracleCommand.class, SampleCommand.class, AlignCommand.class,
                BenchCommand.class, UpCommand.class, DemoCommand.class})
public final class Papa {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Papa());
        // Bad input: one clear line on stderr and exit code 2, no stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof dev.papa.engine.data.DataException
                    || e instanceof dev.papa.engine.checkpoint.CheckpointException) {
                commandLine.getErr().println("papa: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
