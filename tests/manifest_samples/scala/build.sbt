ThisBuild / scalaVersion := "2.13.12"
ThisBuild / organization := "com.example"

val akkaVersion = "2.8.5"
val AkkaHttpVersion = "10.5.3"

lazy val root = (project in file("."))
  .settings(
    name := "orders",
    libraryDependencies ++= Seq(
      "com.typesafe.akka" %% "akka-actor-typed" % akkaVersion,
      "com.typesafe.akka" %% "akka-http"        % AkkaHttpVersion,
      // "com.typesafe.akka" %% "akka-stream-kafka" % "4.0.2",
      "ch.qos.logback"     % "logback-classic"  % "1.4.14",
      "com.typesafe.akka" %% "akka-actor-testkit-typed" % akkaVersion % Test,
      "org.scalatest"     %% "scalatest"        % "3.2.17"   % "test"
    ),
    libraryDependencies += "javax.servlet" % "javax.servlet-api" % "4.0.1" % Provided
  )

addCompilerPlugin("org.typelevel" % "kind-projector" % "0.13.2" cross CrossVersion.full)
