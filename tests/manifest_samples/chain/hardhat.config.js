require("@nomicfoundation/hardhat-toolbox");
require("hardhat-gas-reporter");
// require("hardhat-deploy");
const path = require("path");
const { task } = require("hardhat/config");
require("./tasks/accounts");

/* solidity: "0.4.0" in a comment is not a compiler */
module.exports = {
  solidity: {
    compilers: [
      { version: "0.8.20", settings: { optimizer: { enabled: true } } },
      { version: "0.7.6" },
    ],
  },
  paths: { sources: path.join(__dirname, "contracts") },
  gasReporter: { currency: "USD", token: "version: \"9.9.9\"" },
};
