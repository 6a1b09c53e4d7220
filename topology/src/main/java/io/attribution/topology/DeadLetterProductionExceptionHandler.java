package io.attribution.topology;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * What happens to a record Kafka Streams cannot write. One that cannot be serialized (a candidate
 * on its way to a repartition topic) would fail its task again on every retry and so stop the
 * client for good: it goes to the dead-letter topic instead (the input record that led to it, with
 * a reason and the topic it was meant for), and processing goes on; serialization comes before the
 * send, so the transaction is not touched. A state store's changelog write is never skipped: the
 * store and its changelog would disagree, so the task fails and the uncaught-exception handler
 * decides. A failed send cannot be skipped under exactly-once (Kafka 4.3's transactional producer
 * aborts the transaction on any send error): a slow broker is retried, anything else fails the
 * task. Outcomes too large for the producer never get that far: {@link OutputBytes} catches them.
 */
public final class DeadLetterProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionExceptionHandler.class);
    private static final String CHANGELOG_SUFFIX = "-changelog";

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        return exception instanceof RetriableException ? Response.retry() : Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (record.topic().endsWith(CHANGELOG_SUFFIX)) {
            return Response.fail();
        }
        return deadLetter(context, record.topic(), "SERIALIZATION", exception);
    }

    private static Response deadLetter(ErrorHandlerContext context, String target, String reason, Exception exception) {
        LOG.warn("Record for {} not written ({}: {}); the input {}-{}@{} goes to the dead-letter topic", target, reason,
                exception.toString(), context.topic(), context.partition(), context.offset());
        return Response.resume(List.of(DeadLetters.record(context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), context.headers(), reason, exception,
                exception.getMessage(), target)));
    }
}
