package io.attribution.postback;

/** A postback parameter that is missing, malformed or contradictory; names the parameter. */
public class InvalidParameterException extends RuntimeException {

    private final String parameter;
    private final boolean missing;

    private InvalidParameterException(String parameter, String message, boolean missing) {
        super(message);
        this.parameter = parameter;
        this.missing = missing;
    }

    public static InvalidParameterException missing(String parameter) {
        return new InvalidParameterException(parameter, parameter + " is required", true);
    }

    public static InvalidParameterException malformed(String parameter, String message) {
        return new InvalidParameterException(parameter, message, false);
    }

    public String parameter() {
        return parameter;
    }

    public boolean isMissing() {
        return missing;
    }
}
