const { composePlugins, withNx } = require('@nx/webpack');

// Bundles the app's own code and libs; node_modules stay external (loaded at run time).
module.exports = composePlugins(withNx({ target: 'node' }), (config) => {
  config.devtool = 'source-map';
  config.output = { ...config.output, clean: true };
  return config;
});
