const { composePlugins, withNx } = require('@nx/webpack');

// Bundles the app's own code and libs; node_modules stay external (loaded at run time).
module.exports = composePlugins(withNx({ target: 'node' }), (config) => {
  config.devtool = 'source-map';
  config.output = { ...config.output, clean: true };
  // The store resolves PGlite's and Prisma's WebAssembly files at run time through Node's own
  // require (webpack's __non_webpack_require__), falling back to `require` outside webpack.
  config.ignoreWarnings = [...(config.ignoreWarnings ?? []), { message: /Critical dependency: require function is used/ }];
  return config;
});
