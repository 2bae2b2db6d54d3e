package health.ductcare.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Request lines as curl and FHIR's own examples write them, with characters RFC 3986 wants percent-encoded
 * ({@code identifier=system|value}), sent byte for byte over a socket: Java's HTTP clients refuse to send them.
 */
@QuarkusTest
class UnencodedQueryTest {

    private record Answer(int status, String body) {
    }

    @Test
    void searchesAndConditionalWritesAcceptAnUnencodedPipe() {
        String mrn = "MRN-" + UUID.randomUUID();
        given().contentType("application/fhir+json").body("""
                {"resourceType": "Patient", "identifier": [{"system": "urn:test:raw", "value": "%s"}],
                 "name": [{"family": "Raw^Query"}]}""".formatted(mrn))
                .post("/fhir/Patient").then().statusCode(201);

        Answer found = send("GET", "/fhir/Patient?identifier=urn:test:raw|" + mrn, null);
        assertThat(found.status()).isEqualTo(200);
        JsonPath bundle = JsonPath.from(found.body());
        assertThat(bundle.getInt("total")).isEqualTo(1);
        assertThat(bundle.getString("link[0].url")).endsWith("identifier=urn:test:raw%7C" + mrn);

        Answer caret = send("GET", "/fhir/Patient?name=Raw^Query&identifier=urn:test:raw|" + mrn, null);
        assertThat(JsonPath.from(caret.body()).getInt("total")).isEqualTo(1);

        Answer updated = send("PUT", "/fhir/Patient?identifier=urn:test:raw|" + mrn, """
                {"resourceType": "Patient", "identifier": [{"system": "urn:test:raw", "value": "%s"}],
                 "active": true}""".formatted(mrn));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(JsonPath.from(updated.body()).getString("meta.versionId")).isEqualTo("2");
    }

    @Test
    void aBrokenPercentEscapeInTheQueryIsA400WithAnOperationOutcome() {
        for (String query : new String[] {"name=%zz", "name=%", "name=%4", "_format=xml&name=%zz"}) {
            Answer answer = send("GET", "/fhir/Patient?" + query, null);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.body()).as(query).contains("OperationOutcome").contains("could not be decoded");
        }
    }

    @Test
    void aBrokenPercentEscapeInThePathIsA400WithAnOperationOutcome() {
        for (String path : new String[] {"/fhir/Patient/a%zz", "/fhir/Patient/%", "/fhir/%4/x"}) {
            Answer answer = send("GET", path, null);
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.body()).as(path).contains("\"resourceType\":\"OperationOutcome\"")
                    .contains("could not be decoded");
        }
    }

    private static Answer send(String method, String target, String json) {
        URI base = URI.create(RestAssured.baseURI + ":" + RestAssured.port);
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + target + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nAccept: application/fhir+json\r\nConnection: close\r\n"
                + (json == null ? "" : "Content-Type: application/fhir+json\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            String response = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyStart = response.indexOf("\r\n\r\n") + 4;
            return new Answer(status, response.substring(bodyStart));
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + target + " failed on the wire", e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toByteArray();
    }
}
