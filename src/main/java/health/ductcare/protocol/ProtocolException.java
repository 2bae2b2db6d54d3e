package health.ductcare.protocol;

/** The protocol file is missing, unreadable or inconsistent; the message names the file and the problem. */
public class ProtocolException extends RuntimeException {

    public ProtocolException(String source, String problem) {
        super("Protocol " + source + ": " + problem);
    }

    public ProtocolException(String source, String problem, Throwable cause) {
        super("Protocol " + source + ": " + problem, cause);
    }
}
