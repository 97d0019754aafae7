addSbtPlugin("com.github.sbt" % "sbt-native-packager" % "1.9.16")
addSbtPlugin("org.scalameta"  % "sbt-scalafmt"        % "2.5.2")
libraryDependencies += "com.thesamet.scalapb" %% "compilerplugin" % "0.11.13"
