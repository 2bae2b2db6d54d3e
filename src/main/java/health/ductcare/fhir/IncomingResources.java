package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import health.ductcare.observability.ValidationMetrics;
import health.ductcare.security.InputLimits;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Turns a request body into a resource the service may store: decoded (415 for a media type that is not
 * FHIR, 400 for bytes that are not UTF-8 or not parseable), checked against the URL (400) and validated
 * against R4 (422 with every issue and its expression).
 */
@Singleton
public class IncomingResources {

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
        ValidationResult result = validation.validate(text);
        throwIfInvalid(result);
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
