const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');

// Bundles the app's own code and libs; node_modules stay external (loaded at run time). The entry
// points, tsconfig, assets and output folder are the build target's options in project.json (the
// plugin reads them); this file holds what webpack itself needs. A plain webpack config with
// NxAppWebpackPlugin, not the composePlugins/withNx helpers Nx deprecated.
module.exports = {
  devtool: 'source-map',
  output: { clean: true },
  // The store resolves PGlite's and Prisma's WebAssembly files at run time through Node's own
  // require (webpack's __non_webpack_require__), falling back to `require` outside webpack.
  ignoreWarnings: [{ message: /Critical dependency: require function is used/ }],
  plugins: [new NxAppWebpackPlugin({ target: 'node', outputHashing: 'none' })],
};
