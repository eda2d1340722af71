package dev.papa.cli.stack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StackClientTest {

    private static final String METRICS = """
            # HELP papa_adapter_reload_seconds Time to read, check and load one adapter version
            # TYPE papa_adapter_reload_seconds summary
            papa_adapter_reload_seconds_count{source="reread"} 1.0
            papa_adapter_reload_seconds_sum{source="reread"} 0.25
            papa_adapter_reload_seconds_count{source="topic"} 3.0
            papa_adapter_reload_seconds_sum{source="topic"} 0.0375
            papa_trainer_examples_pending 4.0
            papa_trainer_examples_pending_other 7.0
            """;

    @Test
    void sumsThePrometheusSamplesOfAMetricWhoseLabelsMatch() {
        assertEquals(0.0375, StackClient.sumSamples(METRICS, "papa_adapter_reload_seconds_sum", "source=\"topic\""));
        assertEquals(0.2875, StackClient.sumSamples(METRICS, "papa_adapter_reload_seconds_sum", ""));
        assertEquals(4.0, StackClient.sumSamples(METRICS, "papa_trainer_examples_pending", ""));
        assertEquals(0.0, StackClient.sumSamples(METRICS, "papa_missing", ""));
    }
}
