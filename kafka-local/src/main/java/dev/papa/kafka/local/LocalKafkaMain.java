package dev.papa.kafka.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a local Kafka broker as its own process, for the local stack:
 *
 * <pre>
 * java -cp &lt;classpath&gt; dev.papa.kafka.local.LocalKafkaMain --port 9092 --data-dir runs/kafka [--partitions 4]
 * </pre>
 *
 * Formats the data directory unless it is already formatted (then it is reused with its topics),
 * starts the broker, creates the missing PAPA topics, prints exactly one line
 * {@code kafka ready bootstrap=localhost:PORT} to stdout, and runs until it is terminated
 * (SIGTERM / SIGINT stop the broker cleanly). Diagnostics go to stderr. Exit code 2 on bad
 * arguments, 1 if the broker cannot start.
 */
public final class LocalKafkaMain {

    static final String USAGE = "usage: LocalKafkaMain [--port PORT] [--data-dir DIR] [--partitions N]\n"
            + "  --port PORT      client port on localhost (default 9092; 0 = a free port)\n"
            + "  --data-dir DIR   Kafka storage, formatted on first use and reused after (default runs/kafka)\n"
            + "  --partitions N   partitions of PAPA topics created by this run (default "
            + PapaTopics.DEFAULT_PARTITIONS + ")";

    private LocalKafkaMain() {
    }

    /** Parsed command line. */
    record Options(int port, Path dataDir, int partitions) {
    }

    /** A command line that cannot be run; the message says why. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        quietLogging();
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * The broker logs through SLF4J; with slf4j-simple (this module's runtime classpath) it logs
     * warnings and errors to stderr. Each setting can be overridden with -D on the command line.
     */
    private static void quietLogging() {
        String prefix = "org.slf4j.simpleLogger.";
        Map.of("defaultLogLevel", "warn",
                "showDateTime", "true",
                "dateTimeFormat", "HH:mm:ss.SSS",
                "showShortLogName", "true",
                "logFile", "System.err",
                // The broker's controller channel warns on every clean shutdown ("already closed").
                "log.org.apache.kafka.clients.NetworkClient", "error")
                .forEach((key, value) -> {
                    if (System.getProperty(prefix + key) == null) {
                        System.setProperty(prefix + key, value);
                    }
                });
    }

    /**
     * Parses the arguments and runs the broker until the JVM shuts down. Returns the exit code
     * without running anything if the arguments are bad (2) or the broker fails to start (1).
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("LocalKafkaMain: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (options == null) { // --help
            out.println(USAGE);
            return 0;
        }
        LocalKafkaBroker broker;
        try {
            broker = LocalKafkaBroker.start(options.dataDir(), options.port());
        } catch (RuntimeException e) {
            err.println("LocalKafkaMain: Kafka did not start in " + options.dataDir() + ": " + rootMessage(e));
            e.printStackTrace(err);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("LocalKafkaMain: stopping Kafka at " + broker.bootstrapServers());
            broker.close();
            stopped.countDown();
        }, "kafka-local-shutdown"));
        try {
            Set<String> created = PapaTopics.createMissing(broker, options.partitions());
            err.println("LocalKafkaMain: " + (broker.formattedOnStart() ? "formatted new" : "reused")
                    + " storage " + broker.dataDir() + " (cluster " + broker.clusterId() + "), started in "
                    + broker.startupTime().toMillis() + " ms, topics created: " + (created.isEmpty() ? "none" : created));
        } catch (RuntimeException e) {
            err.println("LocalKafkaMain: cannot create the PAPA topics: " + rootMessage(e));
            return 1; // the shutdown hook stops the broker
        }
        out.println("kafka ready bootstrap=" + broker.bootstrapServers());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Parses the command line; returns {@code null} for {@code --help}. */
    static Options parse(String[] args) throws UsageException {
        int port = 9092;
        Path dataDir = Path.of("runs", "kafka");
        int partitions = PapaTopics.DEFAULT_PARTITIONS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--port", "--data-dir", "--partitions" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--port" -> port = parseInt(name, value, 0, 65535);
                        case "--partitions" -> partitions = parseInt(name, value, 1, 10_000);
                        default -> {
                            if (value.isBlank()) {
                                throw new UsageException("--data-dir needs a directory");
                            }
                            dataDir = Path.of(value);
                        }
                    }
                }
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        return new Options(port, dataDir, partitions);
    }

    private static int parseInt(String name, String value, int min, int max) throws UsageException {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, got '" + value + "'");
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be in " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }
}
