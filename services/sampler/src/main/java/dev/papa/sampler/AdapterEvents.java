package dev.papa.sampler;

import dev.papa.sampler.api.AdapterEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.function.Supplier;

/**
 * Every adapter version the sampler swaps in, as a stream per user (for the web page's
 * server-sent events). {@link AdapterRegistry} reports each swap; nothing is kept, so a
 * subscriber starts from the version served when it subscribes.
 */
@ApplicationScoped
public class AdapterEvents {

    private final BroadcastProcessor<ServedAdapter> swaps = BroadcastProcessor.create();

    /** Called after {@code adapter} became the served version of its user (or version 0 again). */
    void swapped(ServedAdapter adapter) {
        // Reactive Streams wants onNext calls serialized; swaps come from the consumer thread, but be safe.
        synchronized (swaps) {
            swaps.onNext(adapter);
        }
    }

    /**
     * The version served for {@code userId} now, then every later one. The live stream is joined
     * before the current version is read, so a swap in between is not lost; versions only go
     * forward on the stream (a late duplicate is dropped), except a return to version 0 (a
     * tombstone deleted the user's adapters).
     */
    public Multi<AdapterEvent> of(String userId, Supplier<ServedAdapter> current) {
        return Multi.createFrom().emitter(emitter -> {
            Object lock = new Object();
            long[] last = {-1};
            java.util.function.Consumer<ServedAdapter> send = adapter -> {
                synchronized (lock) {
                    boolean reset = adapter.isBase() && last[0] > 0;
                    if (adapter.version() > last[0] || reset) {
                        last[0] = adapter.version();
                        emitter.emit(event(adapter));
                    }
                }
            };
            Cancellable live = swaps.filter(a -> a.userId().equals(userId))
                    .subscribe().with(send, emitter::fail, emitter::complete);
            emitter.onTermination(live::cancel);
            send.accept(current.get());
        });
    }

    /** Ends every open stream, so clients see the sampler go away instead of a silent connection. */
    void stop(@Observes ShutdownEvent event) {
        synchronized (swaps) {
            swaps.onComplete();
        }
    }

    static AdapterEvent event(ServedAdapter a) {
        return new AdapterEvent(a.userId(), a.version(), a.publishedAt(), a.feedbackCount());
    }
}
