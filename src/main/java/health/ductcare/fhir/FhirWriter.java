package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.SummaryEnum;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/** Encodes resources for responses, honouring format, {@code _pretty}, {@code _summary} and {@code _elements}. */
@Singleton
public class FhirWriter {

    private static final Set<String> TEXT_SUMMARY_ELEMENTS = Set.of("*.text", "*.id", "*.meta", "*.(mandatory)");

    private final FhirContext context;
    private volatile boolean storedJsonWritten = true;

    public FhirWriter(FhirContext context) {
        this.context = context;
    }

    public String encode(IBaseResource resource, ResponseOptions options) {
        return newParser(options).encodeResourceToString(resource);
    }

    /**
     * Encodes a searchset or history Bundle (search.html#elements, #summary): {@code _elements} and {@code _summary}
     * shape the resources of its entries ({@link #shapeEntries}); the Bundle itself is written with the format and
     * {@code _pretty} alone.
     */
    public String encodeBundle(Bundle bundle, ResponseOptions options) {
        return newParser(options.withoutSubsetting()).encodeResourceToString(shapeEntries(bundle, options));
    }

    /**
     * The resource as a read with these options answers it: its subset for {@code _summary} or {@code _elements},
     * tagged SUBSETTED, or the resource itself when they leave everything in. The subset is what the read's encoder
     * writes, read back, so that it can go into a Bundle (the GET entries of a batch or transaction) and be written
     * there as the direct read writes it.
     */
    public Resource shape(Resource resource, ResponseOptions options) {
        if (resource == null || !options.subsets()) {
            return resource;
        }
        return (Resource) context.newJsonParser()
                .parseResource(subsettingParser(options).encodeResourceToString(resource));
    }

    /**
     * A searchset or history Bundle as its GET answers it (search.html#elements, #summary): {@code _elements} and
     * {@code _summary} shape the resources of its entries, each then tagged SUBSETTED, as {@link #shape} does; the
     * Bundle keeps its type, total, links and entries and is not tagged, since it is not what was subsetted. The
     * OperationOutcome entry of a lenient search is no search result and stays whole. The entries' resources are
     * replaced by their subsets; the Bundle is returned.
     */
    public Bundle shapeEntries(Bundle bundle, ResponseOptions options) {
        if (options.subsets()) {
            // Each resource is encoded on its own, as a read would answer it, and read back: HAPI's summary mode
            // applied to the whole Bundle would tag the Bundle as well.
            IParser subsetting = subsettingParser(options);
            IParser reader = context.newJsonParser();
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.hasResource() && entry.getSearch().getMode() != Bundle.SearchEntryMode.OUTCOME) {
                    entry.setResource((Resource) reader.parseResource(
                            subsetting.encodeResourceToString(entry.getResource())));
                }
            }
        }
        return bundle;
    }

    private IParser subsettingParser(ResponseOptions options) {
        return newParser(new ResponseOptions(FhirFormat.JSON, FhirFormat.JSON.fhirMediaType(), false,
                options.summary(), options.elements()));
    }

    /**
     * Whether a Bundle of stored resources may go out as {@link #encodeJson(UnparsedBundle)} writes it: JSON without
     * {@code _pretty}, {@code _summary} or {@code _elements}, where the stored JSON is what HAPI would write.
     */
    public boolean writesStoredJson(ResponseOptions options) {
        return storedJsonWritten && options.format() == FhirFormat.JSON && options.isPlain();
    }

    /**
     * The JSON HAPI's encoder gives for {@code bundle.parse(context)} with plain options, byte for byte, without
     * parsing the stored resources: {@link StoredBundleJson} writes the Bundle and copies each stored resource in,
     * which is what HAPI encodes for that resource, alone or in a Bundle. A Bundle with elements it does not write
     * is parsed and encoded by HAPI.
     */
    public String encodeJson(UnparsedBundle bundle) {
        if (!StoredBundleJson.writable(bundle.skeleton())) {
            return encodeBundle(bundle.parse(context), ResponseOptions.DEFAULT_JSON);
        }
        return StoredBundleJson.write(bundle, context.newJsonParser());
    }

    /** On by default; tests turn it off to compare with HAPI's encoding of the parsed Bundle. */
    void writeStoredJson(boolean enabled) {
        storedJsonWritten = enabled;
    }

    public Response.ResponseBuilder respond(int status, IBaseResource resource, ResponseOptions options) {
        return Response.status(status).entity(encode(resource, options)).type(options.contentType());
    }

    private IParser newParser(ResponseOptions options) {
        IParser parser = FhirContextProducer.parserFor(context, options.format());
        parser.setPrettyPrint(options.pretty());
        SummaryEnum summary = options.summary();
        if (summary == SummaryEnum.TRUE) {
            parser.setSummaryMode(true);
        } else if (summary == SummaryEnum.TEXT) {
            parser.setEncodeElements(TEXT_SUMMARY_ELEMENTS);
        } else if (summary == SummaryEnum.DATA) {
            parser.setSuppressNarratives(true);
        }
        if (!options.elements().isEmpty()) {
            Set<String> elements = new HashSet<>();
            for (String element : options.elements()) {
                elements.add(Character.isUpperCase(element.charAt(0)) ? element : "*." + element);
            }
            elements.add("*.id");
            elements.add("*.meta");
            elements.add("*.(mandatory)");
            parser.setEncodeElements(elements);
        }
        return parser;
    }
}
