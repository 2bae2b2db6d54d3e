package health.ductcare.testsupport;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import health.ductcare.protocol.LoadedProtocol;
import health.ductcare.protocol.ProtocolLoader;
import health.ductcare.protocol.ProtocolOverrides;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** One FhirContext and one (slow to warm) validator shared by all plain JUnit tests. */
public final class Fhir {

    public static final FhirContext CTX = FhirContext.forR4Cached();
    private static FhirValidator validator;
    private static LoadedProtocol defaultProtocol;

    private Fhir() {
    }

    public static synchronized FhirValidator validator() {
        if (validator == null) {
            ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(CTX),
                    new InMemoryTerminologyServerValidationSupport(CTX), new CommonCodeSystemsTerminologyService(CTX));
            validator = CTX.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return validator;
    }

    /** ERROR and FATAL messages as readable lines; empty means valid. */
    public static List<String> errors(IBaseResource resource) {
        ValidationResult result = validator().validateWithResult(resource);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(Fhir::describe).toList();
    }

    public static List<String> warnings(IBaseResource resource) {
        return validator().validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.WARNING).map(Fhir::describe).toList();
    }

    private static String describe(SingleValidationMessage m) {
        return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
    }

    public static synchronized LoadedProtocol defaultProtocol() {
        if (defaultProtocol == null) {
            // The shipped protocol runs the clinic in UTC; engine and mapping tests place it in New York so
            // that local time and UTC differ and daylight saving time is exercised.
            defaultProtocol = new ProtocolLoader(CTX).loadResource(ProtocolLoader.DEFAULT_RESOURCE,
                    new ProtocolOverrides(java.util.Map.of(), java.time.ZoneId.of("America/New_York"), null, null));
        }
        return defaultProtocol;
    }

    public static String resourceText(String path) {
        try (InputStream in = Fhir.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T extends IBaseResource> T parse(Class<T> type, String path) {
        return CTX.newJsonParser().parseResource(type, resourceText(path));
    }
}
