<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\external;

use local_cooperare\local\sitefiles;

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once(__DIR__ . '/testcase.php');

/**
 * Tests of local_cooperare_publish_site and of what verify.php serves.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\publish_site
 * @covers     \local_cooperare\local\sitefiles
 */
final class publish_site_test extends testcase {
    /**
     * A draft area of the current user holding the given files (path => content), as uploads leave it.
     *
     * @param string[] $files
     * @return int draft item id
     */
    private function draft(array $files): int {
        global $USER;
        $draftitemid = file_get_unused_draft_itemid();
        foreach ($files as $path => $content) {
            get_file_storage()->create_file_from_string([
                'contextid' => \context_user::instance($USER->id)->id, 'component' => 'user', 'filearea' => 'draft',
                'itemid' => $draftitemid, 'filepath' => rtrim(dirname($path), '/') . '/',
                'filename' => basename($path), 'userid' => $USER->id,
            ], $content);
        }
        return $draftitemid;
    }

    /**
     * Content of the file verify.php would serve for a path, or null.
     *
     * @param string $path
     * @return string|null
     */
    private function served(string $path): ?string {
        $file = sitefiles::find('verify', $path);
        return $file ? $file->get_content() : null;
    }

    /**
     * Publish, re-publish unchanged, then publish a new version: created, unchanged, replaced, deleted.
     */
    public function test_publish_and_serve(): void {
        $first = $this->call('publish_site', ['area' => 'verify', 'draftitemid' => $this->draft([
            '/index.html' => '<!doctype html><title>Verificare</title>',
            '/verify.js' => 'console.log(1);',
            '/registry.json' => '{"format":"cooperare-verify/1"}',
            '/registry-ab12/3f.json' => '{"entries":{}}',
        ])]);
        $this->assertSame([4, 0, 0, 0], [$first['created'], $first['replaced'], $first['unchanged'], $first['deleted']]);
        $this->assertStringEndsWith('/local/cooperare/verify.php/', $first['url']);
        $this->assertSame('<!doctype html><title>Verificare</title>', $this->served('/'));
        $this->assertSame('<!doctype html><title>Verificare</title>', $this->served(''));
        $this->assertSame('{"entries":{}}', $this->served('/registry-ab12/3f.json'));
        $this->assertNull($this->served('/../config.php'));
        $this->assertNull($this->served('/missing.js'));

        $same = $this->call('publish_site', ['area' => 'verify', 'draftitemid' => $this->draft([
            '/index.html' => '<!doctype html><title>Verificare</title>',
            '/verify.js' => 'console.log(1);',
            '/registry.json' => '{"format":"cooperare-verify/1"}',
            '/registry-ab12/3f.json' => '{"entries":{}}',
        ])]);
        $this->assertSame(4, $same['unchanged']);

        $next = $this->call('publish_site', ['area' => 'verify', 'draftitemid' => $this->draft([
            '/index.html' => '<!doctype html><title>Verificare</title>',
            '/verify.js' => 'console.log(2);',
            '/registry.json' => '{"format":"cooperare-verify/1","salt":"x"}',
        ])]);
        $this->assertSame([0, 2, 1, 1], [$next['created'], $next['replaced'], $next['unchanged'], $next['deleted']]);
        $this->assertSame('console.log(2);', $this->served('/verify.js'));
        $this->assertNull($this->served('/registry-ab12/3f.json'));
    }

    /**
     * What changes with every revocation is never cached; the status list gets its own media type.
     */
    public function test_lifetime_and_content_type(): void {
        $this->assertSame(0, sitefiles::lifetime('/', 'registry.json'));
        $this->assertSame(0, sitefiles::lifetime('/', 'registry.js'));
        $this->assertSame(0, sitefiles::lifetime('/registry-ab12/', '3f.json'));
        $this->assertSame(0, sitefiles::lifetime('/', 'status-list.jwt'));
        $this->assertSame(sitefiles::PAGE_LIFETIME, sitefiles::lifetime('/', 'index.html'));
        $this->assertSame(sitefiles::PAGE_LIFETIME, sitefiles::lifetime('/', 'verify.js'));
        $this->assertSame(sitefiles::PAGE_LIFETIME, sitefiles::lifetime('/', 'jwks.json'));
        $this->assertSame('application/vc+jwt', sitefiles::content_type('status-list.jwt'));
        $this->assertSame('', sitefiles::content_type('jwks.json'));
        $this->assertSame('', sitefiles::content_type('index.html'));

        $this->call('publish_site', ['area' => 'verify', 'draftitemid' => $this->draft([
            '/index.html' => '<!doctype html><title>Verificare</title>',
            '/status-list.jwt' => 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
        ])]);
        $this->assertSame('eyJhbGciOiJSUzI1NiJ9.e30.c2ln', $this->served('/status-list.jwt'));
    }

    /**
     * An unknown area, a file type a site may not hold, an empty draft area: refused, nothing published.
     */
    public function test_bad_input_is_refused_and_nothing_changes(): void {
        $cases = [
            ['area' => 'secret', 'draftitemid' => $this->draft(['/index.html' => 'x'])],
            ['area' => 'verify', 'draftitemid' => $this->draft(['/index.html' => 'x', '/shell.php' => '<?php'])],
            ['area' => 'verify', 'draftitemid' => file_get_unused_draft_itemid()],
        ];
        foreach ($cases as $args) {
            try {
                $this->call('publish_site', $args);
                $this->fail('accepted: ' . json_encode($args));
            } catch (\invalid_parameter_exception $e) {
                $this->assertNull($this->served('/'));
            }
        }
    }

    /**
     * Without the pack's capability nothing is published.
     */
    public function test_permission_denied(): void {
        $draftitemid = $this->draft(['/index.html' => 'x']);
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('publish_site', ['area' => 'verify', 'draftitemid' => $draftitemid]);
    }
}
