package dev.genrf.services.es9;

import org.apache.lucene.util.Version;
import org.elasticsearch.Build;
import org.elasticsearch.ResourceAlreadyExistsException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.create.AutoCreateAction;
import org.elasticsearch.action.admin.indices.create.CreateIndexRequest;
import org.elasticsearch.action.admin.indices.create.CreateIndexResponse;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.ClusterStateUpdateTask;
import org.elasticsearch.cluster.metadata.DataStream;
import org.elasticsearch.cluster.metadata.MetadataDataStreamsService;
import org.elasticsearch.cluster.metadata.MetadataIndexTemplateService;
import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.cluster.metadata.ProjectMetadata;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.Priority;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.Index;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The few REST endpoints our tests use whose handlers live in distribution modules that are not
 * published to Maven Central: `GET /` (module rest-root) and `PUT`/`GET`/`DELETE _data_stream/{name}`
 * (module data-streams). Everything they need is in the server jar: the root response is the
 * node's build info, creating a data stream is the same auto-create action a bulk `create` into a
 * data-stream template uses, and deleting one is MetadataDataStreamsService.deleteDataStreams.
 */
public final class RestShimPlugin extends Plugin implements ActionPlugin {
    private final AtomicReference<ClusterService> clusterService = new AtomicReference<>();
    private final Settings settings;

    public RestShimPlugin(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Collection<?> createComponents(PluginServices services) {
        clusterService.set(services.clusterService());
        return List.of();
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        RestHandlersServices services,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return List.of(new Root(), new PutDataStream(), new GetDataStream(), new DeleteDataStream());
    }

    private final class Root extends BaseRestHandler {
        @Override
        public String getName() {
            return "genrf_main_action";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            return channel -> {
                ClusterService cs = clusterService.get();
                Build build = Build.current();
                XContentBuilder b = channel.newBuilder();
                b.startObject()
                    .field("name", cs.localNode().getName())
                    .field("cluster_name", cs.getClusterName().value())
                    .field("cluster_uuid", cs.state().metadata().clusterUUID())
                    .startObject("version")
                    .field("number", build.qualifiedVersion())
                    .field("build_flavor", build.flavor())
                    .field("build_type", build.type().displayName())
                    .field("build_hash", build.hash())
                    .field("build_date", build.date())
                    .field("build_snapshot", build.isSnapshot())
                    .field("lucene_version", Version.LATEST.toString())
                    .field("minimum_wire_compatibility_version", build.minWireCompatVersion())
                    .field("minimum_index_compatibility_version", build.minIndexCompatVersion())
                    .endObject()
                    .field("tagline", "You Know, for Search")
                    .endObject();
                channel.sendResponse(new RestResponse(RestStatus.OK, b));
            };
        }
    }

    private final class PutDataStream extends BaseRestHandler {
        @Override
        public String getName() {
            return "genrf_put_data_stream";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.PUT, "/_data_stream/{name}"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            String name = request.param("name");
            return channel -> {
                if (project().dataStreams().containsKey(name)) {
                    sendError(channel, new ResourceAlreadyExistsException("data_stream [" + name + "] already exists"));
                    return;
                }
                // requireDataStream: fail instead of creating a plain index when no template with
                // `data_stream: {}` matches the name.
                CreateIndexRequest create = new CreateIndexRequest(name).cause("create-data-stream").requireDataStream(true);
                client.execute(AutoCreateAction.INSTANCE, create, new ActionListener<CreateIndexResponse>() {
                    @Override
                    public void onResponse(CreateIndexResponse response) {
                        sendAck(channel);
                    }

                    @Override
                    public void onFailure(Exception e) {
                        sendError(channel, e);
                    }
                });
            };
        }
    }

    /** A subset of the real response: name, timestamp field, backing indices, generation, template, hidden (no health). */
    private final class GetDataStream extends BaseRestHandler {
        @Override
        public String getName() {
            return "genrf_get_data_stream";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/_data_stream"), new Route(RestRequest.Method.GET, "/_data_stream/{name}"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            String[] patterns = Strings.splitStringByCommaToArray(request.param("name", "*"));
            return channel -> {
                ProjectMetadata project = project();
                List<DataStream> matched = project.dataStreams()
                    .values()
                    .stream()
                    .filter(ds -> Regex.simpleMatch(patterns, ds.getName()))
                    .sorted(Comparator.comparing(DataStream::getName))
                    .toList();
                for (String pattern : patterns) {
                    if (Regex.isSimpleMatchPattern(pattern) == false && project.dataStreams().containsKey(pattern) == false) {
                        sendError(channel, new IndexNotFoundException("no such data stream", pattern));
                        return;
                    }
                }
                XContentBuilder b = channel.newBuilder();
                b.startObject().startArray("data_streams");
                for (DataStream ds : matched) {
                    b.startObject()
                        .field("name", ds.getName())
                        .startObject("timestamp_field")
                        .field("name", DataStream.TIMESTAMP_FIELD_NAME)
                        .endObject()
                        .startArray("indices");
                    for (Index index : ds.getIndices()) {
                        b.startObject().field("index_name", index.getName()).field("index_uuid", index.getUUID()).endObject();
                    }
                    b.endArray()
                        .field("generation", ds.getGeneration())
                        .field("template", MetadataIndexTemplateService.findV2Template(project, ds.getName(), false))
                        .field("hidden", ds.isHidden())
                        .endObject();
                }
                b.endArray().endObject();
                channel.sendResponse(new RestResponse(RestStatus.OK, b));
            };
        }
    }

    private final class DeleteDataStream extends BaseRestHandler {
        @Override
        public String getName() {
            return "genrf_delete_data_stream";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.DELETE, "/_data_stream/{name}"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            String[] patterns = Strings.splitStringByCommaToArray(request.param("name"));
            return channel -> clusterService.get()
                .submitUnbatchedStateUpdateTask(
                    "delete-data-stream " + String.join(",", patterns),
                    new ClusterStateUpdateTask(Priority.HIGH, TimeValue.timeValueSeconds(30)) {
                        @Override
                        public ClusterState execute(ClusterState current) {
                            var project = current.projectState(ProjectId.DEFAULT);
                            Set<DataStream> matched = new LinkedHashSet<>();
                            for (String pattern : patterns) {
                                boolean any = false;
                                for (DataStream ds : project.metadata().dataStreams().values()) {
                                    if (Regex.simpleMatch(pattern, ds.getName())) {
                                        matched.add(ds);
                                        any = true;
                                    }
                                }
                                if (any == false && Regex.isSimpleMatchPattern(pattern) == false) {
                                    throw new IndexNotFoundException("no such data stream", pattern);
                                }
                            }
                            return matched.isEmpty() ? current : MetadataDataStreamsService.deleteDataStreams(project, matched, settings);
                        }

                        @Override
                        public void onFailure(Exception e) {
                            sendError(channel, e);
                        }

                        @Override
                        public void clusterStateProcessed(ClusterState before, ClusterState after) {
                            sendAck(channel);
                        }
                    }
                );
        }
    }

    private ProjectMetadata project() {
        return clusterService.get().state().metadata().getProject(ProjectId.DEFAULT);
    }

    private static void sendAck(RestChannel channel) {
        try {
            XContentBuilder b = channel.newBuilder();
            b.startObject().field("acknowledged", true).endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, b));
        } catch (IOException e) {
            sendError(channel, e);
        }
    }

    private static void sendError(RestChannel channel, Exception e) {
        try {
            channel.sendResponse(new RestResponse(channel, e));
        } catch (IOException inner) {
            inner.addSuppressed(e);
            throw new IllegalStateException("could not send the error response", inner);
        }
    }
}
