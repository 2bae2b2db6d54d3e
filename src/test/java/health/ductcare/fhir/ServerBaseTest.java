package health.ductcare.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which references are this server's own: the rule indexing, searching and planning share. */
class ServerBaseTest {

    private static final String BASE = "http://localhost:8080/fhir";

    @Test
    void relativeAndOwnBaseReferencesAreLocal() {
        assertThat(ServerBase.local("Patient/1", BASE)).isEqualTo("Patient/1");
        assertThat(ServerBase.local("Patient/1/_history/2", null)).isEqualTo("Patient/1");
        assertThat(ServerBase.local("http://localhost:8080/fhir/Patient/1", BASE)).isEqualTo("Patient/1");
        assertThat(ServerBase.local("http://localhost:8080/fhir/Patient/1/_history/3", BASE)).isEqualTo("Patient/1");
        // Scheme and host in any case, a trailing slash on either side, a default port written or not.
        assertThat(ServerBase.local("HTTP://LocalHost:8080/fhir/Patient/1", BASE)).isEqualTo("Patient/1");
        assertThat(ServerBase.local("http://localhost:8080/fhir//Patient/1", BASE)).isEqualTo("Patient/1");
        assertThat(ServerBase.local("http://localhost:8080/fhir/Patient/1", BASE + "/")).isEqualTo("Patient/1");
        assertThat(ServerBase.local("https://ductcare.example/fhir/Patient/1", "https://ductcare.example:443/fhir"))
                .isEqualTo("Patient/1");
        assertThat(ServerBase.local("http://host/Patient/1", "http://host")).isEqualTo("Patient/1");
    }

    @Test
    void everyOtherReferenceIsNot() {
        assertThat(ServerBase.local("http://other.example/fhir/Patient/1", BASE)).isNull();
        assertThat(ServerBase.local("http://localhost:8081/fhir/Patient/1", BASE)).isNull();
        assertThat(ServerBase.local("https://localhost:8080/fhir/Patient/1", BASE)).isNull();
        assertThat(ServerBase.local("http://localhost:8080/FHIR/Patient/1", BASE)).as("the path is case-sensitive")
                .isNull();
        assertThat(ServerBase.local("http://localhost:8080/fhir/r4/Patient/1", BASE)).isNull();
        assertThat(ServerBase.local("http://localhost:8080/Patient/1", BASE)).isNull();
        assertThat(ServerBase.local("http://user@localhost:8080/fhir/Patient/1", BASE)).isNull();
        assertThat(ServerBase.local("http://localhost:8080/fhir/Patient/1", null)).as("no base known").isNull();
        assertThat(ServerBase.local("urn:uuid:5f1c6e0e-1b7a-4a53-9d0a-1c1d3c3b2a10", BASE)).isNull();
        assertThat(ServerBase.local("#contained", BASE)).isNull();
        assertThat(ServerBase.local("Patient?identifier=x|1", BASE)).isNull();
    }

    @Test
    void anUrlUnderTheBaseIsReadRelativeToIt() {
        assertThat(ServerBase.relativeTo("http://localhost:8080/fhir/Patient/1?_elements=id", BASE))
                .isEqualTo("Patient/1?_elements=id");
        assertThat(ServerBase.relativeTo("HTTP://LOCALHOST:8080/fhir/Patient?name=a/b", BASE)).isEqualTo("Patient?name=a/b");
        assertThat(ServerBase.relativeTo("https://ductcare.example:443/fhir/_history", "https://ductcare.example/fhir"))
                .isEqualTo("_history");
        assertThat(ServerBase.relativeTo("http://localhost:8080/fhir", BASE)).isEmpty();
        assertThat(ServerBase.relativeTo("http://localhost:8080/FHIR/Patient/1", BASE)).isNull();
        assertThat(ServerBase.relativeTo("http://other.example/fhir/Patient/1", BASE)).isNull();
        assertThat(ServerBase.relativeTo("http://localhost:8080/fhir/Patient/1", null)).isNull();
    }
}
