package health.ductcare.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.Narrative;

/**
 * A stored resource's JSON with its narrative taken out and kept as the text it was stored with. Parsing a
 * narrative's XHTML into HAPI's node tree is more than half the cost of parsing a stored CarePlan (bench/RESULTS.md
 * item 28), and a caller that only compares the narrative can compare that text instead.
 *
 * @param json   the resource's JSON without its top-level {@code text}
 * @param status {@code text.status} as stored, or null
 * @param div    {@code text.div} as stored (HAPI's encoding of the XHTML), or null
 */
public record StoredNarrative(String json, String status, String div) {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * Splits the JSON of one resource. Empty when there is nothing to gain or the narrative carries more than a
     * status and a div (an id, extensions): the caller then parses the whole resource.
     */
    public static Optional<StoredNarrative> split(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                int nameStart = (int) parser.currentTokenLocation().getCharOffset();
                boolean isText = "text".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (!isText) {
                    parser.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_OBJECT) {
                    return Optional.empty();
                }
                String status = null;
                String div = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    if (parser.nextToken() != JsonToken.VALUE_STRING) {
                        return Optional.empty();
                    }
                    switch (name) {
                        case "status" -> status = parser.getText();
                        case "div" -> div = parser.getText();
                        default -> {
                            return Optional.empty();
                        }
                    }
                }
                int valueEnd = (int) parser.currentLocation().getCharOffset();
                return Optional.of(new StoredNarrative(withoutMember(json, nameStart, valueEnd), status, div));
            }
            return Optional.empty();
        } catch (IOException | RuntimeException notSplittable) {
            return Optional.empty();
        }
    }

    /** True when {@code narrative} says what was stored: the same status and the same XHTML, as HAPI encodes it. */
    public boolean sameAs(Narrative narrative) {
        if (narrative == null || narrative.isEmpty()) {
            return status == null && div == null;
        }
        String candidateStatus = narrative.hasStatus() ? narrative.getStatus().toCode() : null;
        String candidateDiv = narrative.hasDiv() ? narrative.getDivAsString() : null;
        return Objects.equals(status, candidateStatus) && Objects.equals(div, candidateDiv);
    }

    /** {@code json} without the object member at [start, end) and the comma that separated it from its neighbour. */
    private static String withoutMember(String json, int start, int end) {
        int before = start - 1;
        while (before >= 0 && Character.isWhitespace(json.charAt(before))) {
            before--;
        }
        if (json.charAt(before) == ',') {
            return json.substring(0, before) + json.substring(end);
        }
        int after = end;
        while (after < json.length() && Character.isWhitespace(json.charAt(after))) {
            after++;
        }
        if (json.charAt(after) == ',') {
            after++;
        }
        return json.substring(0, start) + json.substring(after);
    }
}
