import org.jetbrains.kotlin.gradle.tasks.KotlinCompile

plugins {
    kotlin("jvm") version "1.9.21"
    id("org.jetbrains.kotlin.plugin.spring") version "1.9.21"
    alias(libs.plugins.ktor)
    `java-library`
}

val ktorVersion = "2.3.6"

dependencies {
    implementation("io.ktor:ktor-server-netty:$ktorVersion")
    implementation(kotlin("stdlib"))
    implementation(libs.kotlinx.coroutines.core)
    testImplementation(kotlin("test"))
    debugImplementation("com.squareup.leakcanary:leakcanary-android:2.12")
    ksp("io.insert-koin:koin-ksp-compiler:1.3.0")
}

tasks.withType<KotlinCompile> {
    kotlinOptions { jvmTarget = "17" }
}
