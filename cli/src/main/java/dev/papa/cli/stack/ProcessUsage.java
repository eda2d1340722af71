package dev.papa.cli.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Memory and CPU time of one process of the stack, to size container requests and limits: resident
 * memory now and at its peak (Linux /proc/PID/status VmRSS and VmHWM; -1 elsewhere) and the CPU
 * time it used so far.
 */
public record ProcessUsage(String name, long pid, long rssKiB, long peakRssKiB, Duration cpu) {

    public static ProcessUsage of(String name, ProcessHandle process) {
        long rss = -1;
        long peak = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kib(line);
                }
            }
        } catch (IOException e) {
            // not Linux, or the process has ended: memory unknown
        }
        return new ProcessUsage(name, process.pid(), rss, peak, process.info().totalCpuDuration().orElse(Duration.ZERO));
    }

    /** A markdown table of the processes of a stack: memory, CPU time, and average cores used since each started. */
    public static String table(Map<String, ProcessHandle> processes) {
        StringBuilder out = new StringBuilder("| process | RSS now MiB | peak RSS (VmHWM) MiB | CPU s | up s | average cores |\n"
                + "|---|---|---|---|---|---|\n");
        processes.forEach((name, handle) -> {
            ProcessUsage u = of(name, handle);
            double up = handle.info().startInstant().map(t -> Duration.between(t, Instant.now()).toMillis() / 1000.0).orElse(Double.NaN);
            double cpu = u.cpu().toMillis() / 1000.0;
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.1f | %.0f | %.2f |%n", name, u.rssKiB() / 1024.0,
                    u.peakRssKiB() / 1024.0, cpu, up, cpu / up));
        });
        return out.toString();
    }

    private static long kib(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }
}
