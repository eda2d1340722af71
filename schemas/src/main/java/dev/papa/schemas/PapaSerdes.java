package dev.papa.schemas;

/**
 * One serde per PAPA message record, each reading every published version of its schema.
 *
 * <p>Use the shared constants where a client takes an instance, and the nested classes where it
 * takes a class name (Kafka's {@code key.serializer}/{@code value.deserializer}, Kafka Streams'
 * {@code default.value.serde}, Quarkus/SmallRye channel config). All are thread-safe and their
 * {@code close()} does nothing, so clients may share them.
 */
public final class PapaSerdes {

    /** Topic papa.images. */
    public static final AvroSerde<ImageGenerated> IMAGE_GENERATED = new ImageGeneratedSerde();
    /** Topic papa.feedback. */
    public static final AvroSerde<FeedbackGiven> FEEDBACK_GIVEN = new FeedbackGivenSerde();
    /** Topic papa.preferences. */
    public static final AvroSerde<PreferenceExample> PREFERENCE_EXAMPLE = new PreferenceExampleSerde();
    /** Topic papa.adapters. */
    public static final AvroSerde<AdapterPublished> ADAPTER_PUBLISHED = new AdapterPublishedSerde();

    private PapaSerdes() {
    }

    /** Serde, serializer and deserializer of {@link ImageGenerated}. */
    public static final class ImageGeneratedSerde extends AvroSerde<ImageGenerated> {
        public ImageGeneratedSerde() {
            super(ImageGenerated.class);
        }
    }

    /** Serde, serializer and deserializer of {@link FeedbackGiven}. */
    public static final class FeedbackGivenSerde extends AvroSerde<FeedbackGiven> {
        public FeedbackGivenSerde() {
            super(FeedbackGiven.class);
        }
    }

    /** Serde, serializer and deserializer of {@link PreferenceExample}. */
    public static final class PreferenceExampleSerde extends AvroSerde<PreferenceExample> {
        public PreferenceExampleSerde() {
            super(PreferenceExample.class);
        }
    }

    /** Serde, serializer and deserializer of {@link AdapterPublished}. */
    public static final class AdapterPublishedSerde extends AvroSerde<AdapterPublished> {
        public AdapterPublishedSerde() {
            super(AdapterPublished.class);
        }
    }
}
