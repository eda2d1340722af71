package dev.papa.sampler;

import dev.papa.sampler.api.AdapterEvent;
import io.smallrye.mutiny.subscription.Cancellable;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-user stream of served versions, without Quarkus: order, filtering, no duplicates. */
class AdapterEventsTest {

    private final AdapterEvents events = new AdapterEvents();

    private static ServedAdapter version(String user, long version) {
        return version == 0 ? ServedAdapter.initial(user, "base")
                : new ServedAdapter(user, version, Instant.ofEpochSecond(version), "base", 10 * version, 0, null, version);
    }

    private static List<Long> versions(List<AdapterEvent> received) {
        return received.stream().map(AdapterEvent::version).toList();
    }

    @Test
    void theCurrentVersionThenEachNewerOneOfThisUser() {
        List<AdapterEvent> received = new CopyOnWriteArrayList<>();
        Cancellable subscription = events.of("ann", () -> version("ann", 0)).subscribe().with(received::add);
        events.swapped(version("ann", 1));
        events.swapped(version("bob", 5));
        events.swapped(version("ann", 1));
        events.swapped(version("ann", 2));
        assertEquals(List.of(0L, 1L, 2L), versions(received));
        assertEquals(20, received.get(2).feedbackCount());
        assertEquals("ann", received.get(2).userId());

        // A tombstone puts the user back on the base model: that is news too.
        events.swapped(version("ann", 0));
        assertEquals(List.of(0L, 1L, 2L, 0L), versions(received));

        subscription.cancel();
        events.swapped(version("ann", 3));
        assertEquals(4, received.size(), "a cancelled stream hears nothing more");
    }

    @Test
    void aSwapWhileTheCurrentVersionIsReadIsNeitherLostNorRepeated() {
        List<AdapterEvent> received = new CopyOnWriteArrayList<>();
        // The swap to v4 lands after the stream joined and before the current version was read.
        events.of("cid", () -> {
            events.swapped(version("cid", 4));
            return version("cid", 4);
        }).subscribe().with(received::add);
        assertEquals(List.of(4L), versions(received));

        // The current version was read (v4) just before v5 arrived on the live stream first.
        List<AdapterEvent> late = new CopyOnWriteArrayList<>();
        events.of("dee", () -> {
            ServedAdapter read = version("dee", 4);
            events.swapped(version("dee", 5));
            return read;
        }).subscribe().with(late::add);
        assertEquals(List.of(5L), versions(late), "the older version read earlier is not sent after the newer one");
    }

    @Test
    void streamsEndWhenTheSamplerStops() {
        boolean[] completed = {false};
        events.of("eve", () -> version("eve", 0)).subscribe().with(e -> { }, () -> completed[0] = true);
        events.stop(null);
        assertEquals(true, completed[0]);
    }
}
