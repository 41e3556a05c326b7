package org.elasticsearch.node;

import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

import java.util.Collection;

/**
 * A real node whose plugins are classes on the classpath instead of module directories of a
 * distribution. Lives in Elasticsearch's package because NodeConstruction and
 * NodeServiceProvider are package-private; this mirrors what the test framework's MockNode
 * does, without MockNode's dependency on ESTestCase (whose static set-up turns on Netty's
 * paranoid leak detection and test-only randomisation).
 */
public class ClasspathPluginsNode extends Node {
    public ClasspathPluginsNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(NodeConstruction.prepareConstruction(environment, null, new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, PluginsLoader ignored) {
                return new MockPluginsService(env.settings(), env, plugins);
            }
        }, true));
    }
}
