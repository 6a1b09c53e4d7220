package io.attribution.topology;

import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterProductionExceptionHandlerTest {

    private final DeadLetterProductionExceptionHandler handler = new DeadLetterProductionExceptionHandler();

    @Test
    void anUnserializableRecordSendsItsInputToTheDeadLetterTopicAndProcessingGoesOn() {
        Response response = handler.handleSerializationError(context(), output("app-unique-txn-repartition"),
                new SerializationException("no schema"), SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.topic()).isEqualTo(Topics.DEAD_LETTERS);
            assertThat(deadLetter.value()).isEqualTo(utf8("raw postback"));
            assertThat(header(deadLetter, DeadLetters.REASON)).isEqualTo("SERIALIZATION");
            assertThat(header(deadLetter, DeadLetters.TARGET_TOPIC)).isEqualTo("app-unique-txn-repartition");
            assertThat(header(deadLetter, DeadLetters.TOPIC)).isEqualTo(Topics.POSTBACKS_RAW.name());
            assertThat(header(deadLetter, DeadLetters.OFFSET)).isEqualTo("42");
            assertThat(header(deadLetter, "trace")).isEqualTo("t-9");
        });
    }

    @Test
    void aChangelogWriteIsNeverSkipped() {
        String changelog = "app-clicks-store-changelog";

        assertThat(handler.handleSerializationError(context(), output(changelog), new SerializationException("x"),
                SerializationExceptionOrigin.VALUE).result()).isEqualTo(Result.FAIL);
    }

    @Test
    void aFailedSendIsRetriedWhenTheBrokerIsSlowAndFailsOtherwiseForExactlyOnceCannotSkipIt() {
        ProducerRecord<byte[], byte[]> output = output(Topics.CONVERSIONS_ATTRIBUTED.name());

        assertThat(handler.handleError(context(), output, new NotEnoughReplicasException("x")).result())
                .isEqualTo(Result.RETRY);
        assertThat(handler.handleError(context(), output, new RecordTooLargeException("x")).result())
                .isEqualTo(Result.FAIL);
    }

    private static ProducerRecord<byte[], byte[]> output(String topic) {
        return new ProducerRecord<>(topic, utf8("click-1"), utf8("outcome"));
    }

    private static ErrorHandlerContext context() {
        Headers headers = new RecordHeaders();
        headers.add("trace", utf8("t-9"));
        return new ErrorHandlerContext() {
            public String topic() {
                return Topics.POSTBACKS_RAW.name();
            }

            public int partition() {
                return 1;
            }

            public long offset() {
                return 42;
            }

            public Headers headers() {
                return headers;
            }

            public String processorNodeId() {
                return "rules-attributed-sink";
            }

            public TaskId taskId() {
                return new TaskId(0, 1);
            }

            public long timestamp() {
                return 0;
            }

            public byte[] sourceRawKey() {
                return utf8("click-1");
            }

            public byte[] sourceRawValue() {
                return utf8("raw postback");
            }
        };
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
