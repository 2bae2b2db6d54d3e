package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import health.ductcare.observability.ValidationMetrics;
import health.ductcare.security.InputLimits;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;
import org.jboss.logging.Logger;

/**
 * Turns a request body into a resource the service may store: decoded (415 for a media type that is not
 * FHIR, 400 for bytes that are not UTF-8 or not parseable), checked against the URL (400) and validated
 * against R4 (422 with every issue and its expression).
 */
@Singleton
public class IncomingResources {

    private static final Logger LOG = Logger.getLogger(IncomingResources.class);
    private static final int MAX_STRING_LENGTH = 1024 * 1024;
    private static final JsonFactory DUPLICATE_DETECTING_JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final FhirContext context;
    private final FhirValidation validation;
    private final InputLimits limits;
    private final ValidationMetrics validationMetrics;

    public IncomingResources(FhirContext context, FhirValidation validation, InputLimits limits,
            ValidationMetrics validationMetrics) {
        this.context = context;
        this.validation = validation;
        this.limits = limits;
        this.validationMetrics = validationMetrics;
    }

    /** A parsed body with the text it came from (the validator reads the text, so nothing is lost). */
    public record Incoming(IBaseResource resource, String text, FhirFormat format) {
    }

    public Incoming parse(byte[] body, String contentType) {
        String text = decode(body, charsetOf(contentType));
        FhirFormat format = bodyFormat(contentType, text);
        limits.checkText(text, format);
        if (format == FhirFormat.JSON) {
            rejectDuplicateProperties(text);
        }
        IBaseResource resource;
        try {
            resource = FhirContextProducer.parserFor(context, format).parseResource(text);
        } catch (DataFormatException e) {
            throw new InvalidRequestException("The body is not a parseable FHIR " + format + " resource: "
                    + parserMessage(e));
        } catch (RuntimeException e) {
            // Some malformed input reaches the underlying JSON/XML libraries' own exceptions.
            throw new InvalidRequestException("The body is not a parseable FHIR " + format + " resource");
        }
        limits.checkParsed(resource);
        rejectOverlongStrings(resource);
        return new Incoming(resource, text, format);
    }

    /** Parses, checks the type (and id, for an update) against the URL, and validates. */
    public Incoming parseForWrite(byte[] body, String contentType, String expectedType, String expectedId,
            boolean idRequired) {
        Incoming incoming = parse(body, contentType);
        checkMatchesUrl(incoming.resource(), expectedType, expectedId, idRequired);
        requireValid(incoming.text());
        return incoming;
    }

    public void checkMatchesUrl(IBaseResource resource, String expectedType, String expectedId, boolean idRequired) {
        String actualType = context.getResourceType(resource);
        if (!actualType.equals(expectedType)) {
            throw new InvalidRequestException("The body is a " + actualType + " but the URL names "
                    + expectedType);
        }
        if (expectedId != null) {
            String bodyId = resource.getIdElement().getIdPart();
            if (bodyId == null) {
                if (idRequired) {
                    throw new InvalidRequestException("An update must carry the id of the URL in the body ("
                            + expectedId + ")");
                }
            } else if (!bodyId.equals(expectedId)) {
                throw new InvalidRequestException("The id in the body (" + ContentNegotiation.sanitize(bodyId)
                        + ") does not match the id in the URL (" + expectedId + ")");
            }
        }
    }

    public void requireValid(String text) {
        throwIfInvalid(validated(text));
    }

    /** Every issue the R4 validator finds in the text as sent, whatever its severity ({@code $validate}). */
    public OperationOutcome validationOutcome(String text) {
        return (OperationOutcome) validated(text).toOperationOutcome();
    }

    private ValidationResult validated(String text) {
        try {
            return validation.validate(text);
        } catch (BaseServerResponseException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // HAPI's lenient parser read the text, but the validator reads it again with its own parsers (Gson with
            // a nesting limit of 255, DOM) and trips over some malformed content (null array items, attributes
            // without values, types from other FHIR versions). The validator is a function of the input alone, so
            // its failure is the input's: refuse it. Only the exception type is logged, never its message (values).
            LOG.warnf("The validator could not process a request body (%s)", e.getClass().getName());
            throw new InvalidRequestException("The resource could not be validated: it is malformed in a way the"
                    + " R4 validator cannot process (nested too deeply, null items, or elements from another FHIR"
                    + " version)");
        }
    }

    public void requireValid(IBaseResource resource) {
        throwIfInvalid(validation.validate(resource));
    }

    private void throwIfInvalid(ValidationResult result) {
        boolean hasErrors = result.getMessages().stream()
                .anyMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL);
        if (hasErrors) {
            validationMetrics.recordFailure();
            OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
            outcome.getIssue().removeIf(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.INFORMATION);
            throw new UnprocessableEntityException("The resource is not valid FHIR R4", outcome);
        }
    }

    /**
     * JSON objects must not repeat a property (RFC 8259 leaves it open, FHIR's JSON format does not allow it):
     * the parsers would silently keep one of the values, e.g. the second of two {@code resourceType}s.
     */
    private static void rejectDuplicateProperties(String text) {
        try (JsonParser parser = DUPLICATE_DETECTING_JSON.createParser(text)) {
            while (parser.nextToken() != null) {
                // reading every token is the check
            }
        } catch (JsonParseException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
                throw new InvalidRequestException("The body is not valid FHIR JSON: a property occurs twice in one"
                        + " object (" + ContentNegotiation.sanitize(e.getOriginalMessage()) + ")");
            }
            // other syntax errors are reported by the FHIR parser with its own message
        } catch (IOException | RuntimeException e) {
            // likewise left to the FHIR parser
        }
    }

    /** FHIR strings "SHALL NOT exceed 1MB (1024*1024 characters)" (datatypes.html#string); the validator does not check it. */
    private void rejectOverlongStrings(IBaseResource resource) {
        for (StringType string : context.newTerser().getAllPopulatedChildElementsOfType(resource, StringType.class)) {
            String value = string.getValue();
            if (value != null && value.length() > MAX_STRING_LENGTH) {
                throw new InvalidRequestException("A string value is longer than FHIR allows (" + MAX_STRING_LENGTH
                        + " characters)");
            }
        }
    }

    /** Decodes with the declared charset (UTF-8 when none is declared), refusing malformed bytes. */
    private static String decode(byte[] body, String declaredCharset) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException("The request has no body: a FHIR resource is required");
        }
        Charset charset = StandardCharsets.UTF_8;
        if (declaredCharset != null) {
            try {
                charset = Charset.forName(declaredCharset);
            } catch (IllegalArgumentException e) {
                throw new HttpStatusException(415, "Unsupported charset '" + ContentNegotiation.sanitize(declaredCharset)
                        + "': send UTF-8");
            }
        }
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("The body is not valid " + charset.name());
        }
    }

    private static FhirFormat bodyFormat(String contentType, String text) {
        if (contentType == null || contentType.isBlank()) {
            String start = text.stripLeading();
            return start.startsWith("<") ? FhirFormat.XML : FhirFormat.JSON;
        }
        return FhirFormat.fromMediaType(contentType).orElseThrow(() -> new HttpStatusException(415,
                "Unsupported Content-Type '" + ContentNegotiation.sanitize(contentType.split(";", 2)[0])
                        + "': send application/fhir+json or application/fhir+xml"));
    }

    private static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.trim().toLowerCase(Locale.ROOT);
            if (trimmed.startsWith("charset=")) {
                return trimmed.substring("charset=".length()).replace("\"", "").trim();
            }
        }
        return null;
    }

    private static String parserMessage(DataFormatException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        // HAPI messages quote input only in element names and positions; keep them short.
        return ContentNegotiation.sanitize(message.replaceFirst("^HAPI-\\d+: ", ""));
    }
}
