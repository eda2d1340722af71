package dev.papa.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What `papa bench pipeline` checks and computes without a stack. */
class BenchPipelineCommandTest {

    @Test
    void badOptionValuesExitNonZeroWithAMessageNamingTheOption() {
        for (String[] args : List.of(new String[] {"--clients", "0"}, new String[] {"--round-size", "17"},
                new String[] {"--rounds", "-1"}, new String[] {"--requests", "0"})) {
            StringWriter err = new StringWriter();
            CommandLine cli = Papa.commandLine();
            cli.setErr(new PrintWriter(err));
            String[] full = new String[args.length + 2];
            full[0] = "bench";
            full[1] = "pipeline";
            System.arraycopy(args, 0, full, 2, args.length);
            assertEquals(2, cli.execute(full), String.join(" ", full));
            assertTrue(err.toString().contains(args[0] + " must be in"), err.toString());
        }
    }

    @Test
    void aNonNumberIsRefusedByTheParser() {
        CommandLine cli = Papa.commandLine();
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cli.execute("bench", "pipeline", "--clients", "many"));
    }

    @Test
    void nearestRankPercentiles() {
        List<Double> values = List.of(5.0, 1.0, 3.0, 2.0, 4.0);
        assertEquals(3.0, BenchPipelineCommand.percentile(values, 0.5));
        assertEquals(5.0, BenchPipelineCommand.percentile(values, 0.99));
        assertEquals(1.0, BenchPipelineCommand.percentile(values, 0.01));
    }

    @Test
    void readsProducerPerformancesSummaryLine() {
        ProducerPerf.Result r = ProducerPerf.parse("200000 records sent, 81037.3 records/sec (10.82 MB/sec), 250.24 ms avg latency, "
                + "498.00 ms max latency, 237 ms 50th, 452 ms 95th, 479 ms 99th, 495 ms 99.9th.");
        assertEquals(200000, r.records());
        assertEquals(81037.3, r.recordsPerSecond());
        assertEquals(10.82, r.megabytesPerSecond());
        assertEquals(250.24, r.averageLatencyMs());
        assertEquals(479, r.p99LatencyMs());
        assertThrows(IllegalArgumentException.class,
                () -> ProducerPerf.parse("5000 records sent, 1000.0 records/sec (0.13 MB/sec), 2.1 ms avg latency, 30.0 ms max latency."));
    }
}
