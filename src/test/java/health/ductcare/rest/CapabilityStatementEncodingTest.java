package health.ductcare.rest;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import health.ductcare.fhir.FhirFormat;
import health.ductcare.fhir.FhirWriter;
import health.ductcare.fhir.ResponseOptions;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kept encodings of the CapabilityStatement, with the base URL put into an encoding made for another one,
 * must be exactly what HAPI's encoder writes for the statement of that base URL.
 */
@QuarkusTest
class CapabilityStatementEncodingTest {

    @Inject
    CapabilityStatementFactory factory;

    @Inject
    FhirWriter writer;

    @Test
    void keptEncodingsAreWhatTheEncoderWritesForEachBaseUrl() {
        List<String> baseUrls = List.of("http://localhost:8080/fhir", "https://ductcare.example.org/fhir",
                "http://[::1]:8080/fhir", "http://10.0.0.7/api/fhir;v=1",
                // characters JSON or XML escape: encoded in full, not from the kept encoding
                "http://host.example/fhir?a=1&b='2'");
        List<ResponseOptions> optionsList = List.of(ResponseOptions.DEFAULT_JSON,
                new ResponseOptions(FhirFormat.JSON, "application/json", true, null, Set.of()),
                new ResponseOptions(FhirFormat.XML, FhirFormat.XML.fhirMediaType(), false, null, Set.of()),
                new ResponseOptions(FhirFormat.XML, FhirFormat.XML.fhirMediaType(), true, SummaryEnum.TRUE, Set.of()),
                new ResponseOptions(FhirFormat.JSON, FhirFormat.JSON.fhirMediaType(), false, SummaryEnum.TEXT, Set.of()),
                new ResponseOptions(FhirFormat.JSON, FhirFormat.JSON.fhirMediaType(), false, null,
                        Set.of("implementation", "software")));
        for (String baseUrl : baseUrls) {
            for (ResponseOptions options : optionsList) {
                String expected = writer.encode(factory.build(baseUrl), options);
                assertThat(factory.encoded(baseUrl, options)).as(baseUrl + " " + options).isEqualTo(expected);
                // and again, from the kept encoding
                assertThat(factory.encoded(baseUrl, options)).as(baseUrl + " " + options).isEqualTo(expected);
            }
        }
        assertThat(factory.encoded("https://ductcare.example.org/fhir", ResponseOptions.DEFAULT_JSON))
                .contains("\"url\":\"https://ductcare.example.org/fhir\"").doesNotContain("urn:ductcare");
    }
}
