/* A multi-project build.
 * "org.example" %% "commented-out" % "1.0" must not count. /* nested */ still a comment
 */
lazy val core = project.in(file("modules/core"))
  .settings(libraryDependencies += "org.typelevel" %%% "cats-effect" % "3.5.2")

lazy val server = (project in file("modules/server"))
  .dependsOn(core)
  .settings(
    libraryDependencies ++= List(
      "org.http4s" %% "http4s-ember-server" % http4sVersion,
      "dev.zio" %% "zio" % "2.0.21" % "it,test",
      "com.softwaremill.sttp.client3" %% "core" % "3.9.1" withSources()
    )
  )

val url = "https://example.com//not-a-comment"
