package health.ductcare.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * Every official R4 example Condition, MedicationRequest, Observation and Patient (from
 * org.linuxforhealth.fhir:fhir-examples, labelled OK there) that HAPI's validator accepts is stored and read
 * back equal, meta and id aside.
 */
@QuarkusTest
class OfficialExamplesRoundTripTest {

    private static final Set<String> TYPES = Set.of("Condition", "MedicationRequest", "Observation", "Patient");

    @Inject
    FhirContext context;

    @Test
    void acceptedExamplesRoundTripUnchanged() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int stored = 0;
        int rejectedByValidator = 0;
        for (String path : okExamples()) {
            String json = read(path);
            Resource original = (Resource) context.newJsonParser().parseResource(json);
            String type = original.fhirType();
            if (!TYPES.contains(type)) {
                continue;
            }
            Response response = given().contentType("application/fhir+json;charset=UTF-8").body(json).when().post("/fhir/" + type);
            if (response.statusCode() == 422) {
                rejectedByValidator++;
                continue;
            }
            assertThat(response.statusCode()).as(path + " -> " + response.asString()).isEqualTo(201);
            String id = response.path("id");
            String back = given().when().get("/fhir/" + type + "/" + id).then().statusCode(200).extract().asString();
            Resource roundTripped = (Resource) context.newJsonParser().parseResource(back);
            original.setMeta(null);
            original.setId((String) null);
            roundTripped.setMeta(null);
            roundTripped.setId((String) null);
            if (!original.equalsDeep(roundTripped)) {
                mismatches.add(path);
            }
            stored++;
        }
        System.out.printf("official examples: %d stored and read back, %d rejected by the validator%n",
                stored, rejectedByValidator);
        assertThat(mismatches).isEmpty();
        assertThat(stored).isGreaterThanOrEqualTo(40);
    }

    private static List<String> okExamples() throws IOException {
        List<String> paths = new ArrayList<>();
        try (BufferedReader index = new BufferedReader(new InputStreamReader(
                OfficialExamplesRoundTripTest.class.getResourceAsStream("/spec-json.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = index.readLine()) != null) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals("OK")
                        && parts[1].matches("json/spec/(condition|medicationrequest|observation|patient)-.*\\.json")) {
                    paths.add(parts[1]);
                }
            }
        }
        return paths;
    }

    private static String read(String path) throws IOException {
        try (InputStream in = OfficialExamplesRoundTripTest.class.getResourceAsStream("/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
