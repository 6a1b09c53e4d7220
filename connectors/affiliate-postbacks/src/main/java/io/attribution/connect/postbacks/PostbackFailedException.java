package io.attribution.connect.postbacks;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * Why a conversion's postback was not delivered. Its message is the reason the dead-letter record carries
 * ({@code __connect.errors.exception.message} with {@code errors.deadletterqueue.context.headers.enable=true}).
 */
public class PostbackFailedException extends ConnectException {

    private static final long serialVersionUID = 1L;

    PostbackFailedException(String message) {
        super(message);
    }

    PostbackFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
