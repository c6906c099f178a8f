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

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once(__DIR__ . '/testcase.php');

/**
 * Tests of local_cooperare_get_forum_posts.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\get_forum_posts
 */
final class get_forum_posts_test extends testcase {
    /**
     * Every post of every discussion, in pages, in post id order, private replies left out.
     */
    public function test_posts_of_the_whole_forum_in_pages(): void {
        $generator = $this->getDataGenerator();
        $forum = $generator->create_module('forum', ['course' => $this->course->id]);
        $forumgenerator = $generator->get_plugin_generator('mod_forum');
        $author = $generator->create_user(['firstname' => 'Ștefan', 'lastname' => 'Țăranu']);
        $generator->enrol_user($author->id, $this->course->id, 'student');
        $expected = [];
        foreach (['cap-01', 'cap-02'] as $part) {
            $discussion = $forumgenerator->create_discussion(['course' => $this->course->id, 'forum' => $forum->id,
                'userid' => get_admin()->id, 'name' => "[{$part}] Capitol"]);
            $expected[] = (int) $discussion->firstpost;
            for ($i = 0; $i < 3; $i++) {
                $post = $forumgenerator->create_post(['discussion' => $discussion->id, 'parent' => $discussion->firstpost,
                    'userid' => $author->id, 'message' => "<p>Propunere {$part} {$i} <script>x</script></p>"]);
                $expected[] = (int) $post->id;
            }
        }
        $forumgenerator->create_post(['discussion' => $discussion->id, 'parent' => $discussion->firstpost,
            'userid' => get_admin()->id, 'message' => 'privat', 'privatereplyto' => $author->id]);
        sort($expected);

        $first = $this->call('get_forum_posts', ['cmid' => $forum->cmid, 'limit' => 5]);
        $second = $this->call('get_forum_posts', ['cmid' => $forum->cmid, 'offset' => 5, 'limit' => 5]);
        $this->assertSame(8, $first['total']);
        $this->assertSame($expected, array_merge(array_column($first['posts'], 'id'), array_column($second['posts'], 'id')));
        $reply = $first['posts'][1];
        $this->assertSame('Ștefan Țăranu', $reply['userfullname']);
        $this->assertSame((int) $author->id, $reply['userid']);
        $this->assertStringContainsString('<script>x</script>', $reply['message']);
        $this->assertNotSame(0, $reply['parent']);
        $this->assertSame(0, $first['posts'][0]['parent']);
    }

    /**
     * Not a forum, bad paging, and a caller without the pack's capability: refused.
     */
    public function test_refusals(): void {
        $page = $this->getDataGenerator()->create_module('page', ['course' => $this->course->id]);
        foreach ([['cmid' => $page->cmid], ['cmid' => 0], ['cmid' => $page->cmid, 'limit' => 1001]] as $args) {
            try {
                $this->call('get_forum_posts', $args);
                $this->fail('accepted: ' . json_encode($args));
            } catch (\invalid_parameter_exception $e) {
                $this->assertNotEmpty($e->getMessage());
            }
        }
        $forum = $this->getDataGenerator()->create_module('forum', ['course' => $this->course->id]);
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('get_forum_posts', ['cmid' => $forum->cmid]);
    }
}
