package dev.papa.kafka.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a {@link LocalKafkaBroker} for the tests of a class.
 *
 * <p>Declarative, one broker per test class (stopped after the class):
 * <pre>
 * &#64;ExtendWith(KafkaBrokerExtension.class)
 * class MyTest {
 *     &#64;Test void works(LocalKafkaBroker kafka) { ... kafka.bootstrapServers() ... }
 * }
 * </pre>
 * Programmatic, with options:
 * <pre>
 * &#64;RegisterExtension
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.sharedPerJvm().withPapaTopics();
 * ... KAFKA.bootstrapServers() ...
 * </pre>
 * A shared broker is started once for the whole test run (JVM) and stopped at its end; every
 * test class that asks for one gets the same. Parameters of type {@link LocalKafkaBroker} of test
 * methods, constructors and lifecycle methods are resolved to the broker. Nested classes use
 * their enclosing class's broker.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final String SHARED_KEY = "shared-broker";
    private static final String CLASS_KEY = "class-broker";

    private final boolean shared;
    private final int papaTopicPartitions;
    private volatile LocalKafkaBroker broker;

    /** One broker per test class, no topics created (what {@code @ExtendWith} uses). */
    public KafkaBrokerExtension() {
        this(false, 0);
    }

    private KafkaBrokerExtension(boolean shared, int papaTopicPartitions) {
        this.shared = shared;
        this.papaTopicPartitions = papaTopicPartitions;
    }

    /** One broker per test class. */
    public static KafkaBrokerExtension perClass() {
        return new KafkaBrokerExtension(false, 0);
    }

    /** One broker for the whole JVM, shared by every class that uses this. */
    public static KafkaBrokerExtension sharedPerJvm() {
        return new KafkaBrokerExtension(true, 0);
    }

    /** Also creates the missing PAPA topics ({@link PapaTopics}) with the default partition count. */
    public KafkaBrokerExtension withPapaTopics() {
        return withPapaTopics(PapaTopics.DEFAULT_PARTITIONS);
    }

    /** Also creates the missing PAPA topics ({@link PapaTopics}) with the given partition count. */
    public KafkaBrokerExtension withPapaTopics(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        return new KafkaBrokerExtension(shared, partitions);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalKafkaBroker started = brokerFor(context);
        if (papaTopicPartitions > 0) {
            PapaTopics.createMissing(started, papaTopicPartitions);
        }
        broker = started;
    }

    /** The broker; available from {@code @BeforeAll} on. */
    public LocalKafkaBroker broker() {
        LocalKafkaBroker current = broker;
        if (current == null) {
            throw new IllegalStateException("the Kafka broker is not started yet (it starts before @BeforeAll)");
        }
        return current;
    }

    /** {@code localhost:PORT} of the broker. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return brokerFor(extensionContext);
    }

    /**
     * The broker for this context: the shared one lives in the root context's store (closed when
     * the run ends), a per-class one in the class's store (closed after the class). Stores look up
     * their parents, so nested classes and test methods find the broker of their enclosing class.
     */
    private LocalKafkaBroker brokerFor(ExtensionContext context) {
        if (shared) {
            return context.getRoot().getStore(NAMESPACE)
                    .computeIfAbsent(SHARED_KEY, key -> LocalKafkaBroker.start(), LocalKafkaBroker.class);
        }
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        LocalKafkaBroker existing = store.get(CLASS_KEY, LocalKafkaBroker.class);
        if (existing != null) {
            return existing;
        }
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE)
                .computeIfAbsent(CLASS_KEY, key -> LocalKafkaBroker.start(), LocalKafkaBroker.class);
    }
}
